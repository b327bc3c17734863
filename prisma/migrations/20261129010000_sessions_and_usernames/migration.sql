-- AlterTable
ALTER TABLE "users" ADD COLUMN "username_skeleton" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "users_username_skeleton_key" ON "users"("username_skeleton");

-- AlterTable: the session a refresh token belongs to (kept across rotations), named in access tokens
ALTER TABLE "refresh_tokens" ADD COLUMN "session_id" TEXT;
