-- A stop order's trigger price in cents; null for every other order.
ALTER TABLE "orders" ADD COLUMN "stop_price" BIGINT;
