-- Fees: what each order has paid so far, and each side of each trade (cents; negative: a rebate)
ALTER TABLE "orders" ADD COLUMN "fee" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "trades" ADD COLUMN "buy_fee" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "trades" ADD COLUMN "sell_fee" BIGINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "news" (
    "seq" BIGINT NOT NULL,
    "news_id" TEXT NOT NULL,
    "headline" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "symbol" TEXT,
    "move_percent" DOUBLE PRECISION,
    "published_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "news_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "news_published_at_idx" ON "news"("published_at");

-- CreateTable
CREATE TABLE "event_definitions" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "seq" BIGINT NOT NULL,
    "loaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "event_definitions_pkey" PRIMARY KEY ("id")
);
