-- CreateTable
CREATE TABLE "portfolio_snapshots" (
    "id" BIGSERIAL NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL,
    "user_id" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "equity" BIGINT NOT NULL,
    "cash" BIGINT NOT NULL,
    "realized_pnl" BIGINT NOT NULL,
    "unrealized_pnl" BIGINT NOT NULL,
    "positions" JSONB NOT NULL,
    CONSTRAINT "portfolio_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "portfolio_snapshots_closed_at_idx" ON "portfolio_snapshots"("closed_at");
