-- CreateTable
CREATE TABLE "persist_progress" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "seq" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "persist_progress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "unstorable_rows" (
    "id" BIGSERIAL NOT NULL,
    "job_seq" BIGINT NOT NULL,
    "kind" TEXT NOT NULL,
    "row" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "unstorable_rows_pkey" PRIMARY KEY ("id")
);
