-- CreateTable
CREATE TABLE "credits" (
    "seq" BIGINT NOT NULL,
    "user_id" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "price" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "credits_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "credits_user_id_idx" ON "credits"("user_id");
