-- Each participant's notifications: stored, so the notification centre survives a reload. `source`
-- names what it is about (a trade's id and side, an order, a follower, a post…): one notification
-- per participant per source, so a job db-writer persists again, or a request sent twice, adds none.
CREATE TABLE "notifications" (
    "id" BIGSERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "notifications_user_id_source_key" ON "notifications"("user_id", "source");
CREATE INDEX "notifications_user_id_id_idx" ON "notifications"("user_id", "id");

-- The kinds of notification a participant turned off (none by default).
ALTER TABLE "users" ADD COLUMN "notifications_off" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
