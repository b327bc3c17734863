#!/bin/sh
# postgres-restore.sh DUMP DATABASE: restores a dump made by postgres-backup.sh into DATABASE,
# which must not exist yet (a restore never writes over a live database). Point DATABASE_URL at it
# afterwards, or rename it in place of the old one. Connection as for postgres-backup.sh.
set -eu
dump="${1:?usage: postgres-restore.sh DUMP DATABASE}"
db="${2:?usage: postgres-restore.sh DUMP DATABASE}"
createdb "$db"
pg_restore --no-owner --no-privileges --exit-on-error --dbname="$db" "$dump"
printf '{"level":30,"service":"postgres-restore","msg":"restored","file":"%s","database":"%s"}\n' "$dump" "$db"
