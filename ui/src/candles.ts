/** Candles for the chart: loaded from the api, then extended trade by trade as they arrive live. */
export interface Candle {
  /** bucket start, seconds since the epoch (what lightweight-charts takes) */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export function bucketStart(timestampMs: number, intervalSeconds: number): number {
  return Math.floor(timestampMs / 1000 / intervalSeconds) * intervalSeconds;
}

/**
 * Folds one trade into the series: the last candle if the trade falls in its bucket, a new one
 * after it otherwise. A trade older than the last bucket is already in the loaded candles.
 * Returns the candle that changed, or null.
 */
export function addTrade(series: Candle[], trade: { price: number; quantity: number; timestamp: number }, intervalSeconds: number): Candle | null {
  const time = bucketStart(trade.timestamp, intervalSeconds);
  const last = series[series.length - 1];
  if (last !== undefined && time < last.time) return null;
  if (last !== undefined && time === last.time) {
    last.high = Math.max(last.high, trade.price);
    last.low = Math.min(last.low, trade.price);
    last.close = trade.price;
    last.volume += trade.quantity;
    return last;
  }
  const candle = { time, open: trade.price, high: trade.price, low: trade.price, close: trade.price, volume: trade.quantity };
  series.push(candle);
  return candle;
}
