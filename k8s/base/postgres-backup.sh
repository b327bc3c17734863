#!/bin/sh
# One backup of the exchange's database: pg_dump (custom format) into $BACKUP_DIR, named by the
# time, then only the newest $BACKUP_KEEP kept. The connection comes from libpq's PGHOST, PGPORT,
# PGUSER, PGPASSWORD, PGDATABASE. Run by the CronJob (k8s/base/postgres-backup.yaml) and by the
# postgres-backup service in docker-compose.yml; restore with postgres-restore.sh.
set -eu
dir="${BACKUP_DIR:-/backups}"
keep="${BACKUP_KEEP:-48}"
file="$dir/exchange-$(date -u +%Y%m%dT%H%M%SZ).dump"
# written aside and renamed, so a dump cut short is never taken for a backup
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial"
mv "$file.partial" "$file"
ls -1t "$dir"/exchange-*.dump | tail -n +"$((keep + 1))" | xargs -r rm -f
printf '{"level":30,"time":"%s","service":"postgres-backup","msg":"backup written","file":"%s","bytes":%s}\n' \
  "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$file" "$(wc -c < "$file")"
