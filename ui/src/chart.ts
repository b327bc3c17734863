import { CandlestickSeries, ColorType, createChart, createSeriesMarkers, HistogramSeries, LineStyle, type IChartApi, type ISeriesApi, type ISeriesMarkersPluginApi, type SeriesMarker, type UTCTimestamp } from 'lightweight-charts';
import { addTrade, bucketStart, type Candle } from './candles.js';

export const INTERVALS = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600 } as const;
export type Interval = keyof typeof INTERVALS;
/** bars the chart makes room for, so that a few candles keep their width instead of filling it */
const MIN_BARS = 40;

export interface OwnFill {
  side: 'BUY' | 'SELL';
  price: number;
  quantity: number;
  timestamp: number;
}

const up = 'rgba(46,189,133,.4)';
const down = 'rgba(246,70,93,.4)';

/**
 * The chosen symbol's candles at the chosen interval: volume on its own (hidden) scale under the
 * prices, the last price as a line, and a marker for each of the participant's own fills.
 */
export class PriceChart {
  interval: Interval = '1m';
  private chart: IChartApi | null = null;
  private candleSeries: ISeriesApi<'Candlestick'> | null = null;
  private volumeSeries: ISeriesApi<'Histogram'> | null = null;
  private markers: ISeriesMarkersPluginApi<UTCTimestamp> | null = null;
  private candles: Candle[] = [];
  private fills: OwnFill[] = [];

  constructor(private readonly element: HTMLElement) {}

  get seconds(): number {
    return INTERVALS[this.interval];
  }

  /** Everything again: candles from the api (plus trades newer than them), and one's fills. */
  show(candles: Candle[], fills: OwnFill[]): void {
    this.ensure();
    this.candles = candles;
    this.fills = fills;
    this.candleSeries!.setData(this.candles.map((c) => ({ ...c, time: c.time as UTCTimestamp })));
    this.volumeSeries!.setData(this.candles.map((c) => ({ time: c.time as UTCTimestamp, value: c.volume, color: c.close >= c.open ? up : down })));
    this.drawMarkers();
    // a few candles keep a normal width with the newest near the right edge; many are fitted
    const n = this.candles.length;
    if (n >= MIN_BARS) this.chart!.timeScale().fitContent();
    else this.chart!.timeScale().setVisibleLogicalRange({ from: n - MIN_BARS, to: n + 2 });
  }

  addTrade(t: { price: number; quantity: number; timestamp: number }): void {
    const changed = addTrade(this.candles, t, this.seconds);
    if (changed === null || this.candleSeries === null) return;
    this.candleSeries.update({ ...changed, time: changed.time as UTCTimestamp });
    this.volumeSeries?.update({ time: changed.time as UTCTimestamp, value: changed.volume, color: changed.close >= changed.open ? up : down });
  }

  addFill(f: OwnFill): void {
    this.fills.push(f);
    this.drawMarkers();
  }

  private drawMarkers(): void {
    const markers: SeriesMarker<UTCTimestamp>[] = this.fills
      .map((f) => ({
        time: bucketStart(f.timestamp, this.seconds) as UTCTimestamp,
        position: f.side === 'BUY' ? ('belowBar' as const) : ('aboveBar' as const),
        shape: f.side === 'BUY' ? ('arrowUp' as const) : ('arrowDown' as const),
        color: f.side === 'BUY' ? '#2ebd85' : '#f6465d',
        text: `${f.side === 'BUY' ? 'B' : 'S'} ${f.quantity}`,
      }))
      .sort((a, b) => a.time - b.time);
    this.markers?.setMarkers(markers);
  }

  private ensure(): void {
    if (this.chart !== null) return;
    this.chart = createChart(this.element, {
      autoSize: true,
      layout: { background: { type: ColorType.Solid, color: '#17202b' }, textColor: '#8b98a8' },
      grid: { vertLines: { color: '#1f2a37' }, horzLines: { color: '#1f2a37' } },
      timeScale: { timeVisible: true, secondsVisible: false },
      rightPriceScale: { scaleMargins: { top: 0.08, bottom: 0.28 } },
    });
    this.candleSeries = this.chart.addSeries(CandlestickSeries, {
      upColor: '#2ebd85',
      downColor: '#f6465d',
      wickUpColor: '#2ebd85',
      wickDownColor: '#f6465d',
      borderVisible: false,
      priceLineVisible: true,
      priceLineStyle: LineStyle.Dashed,
    });
    // its own scale, kept off the price axis: the bottom fifth of the chart
    this.volumeSeries = this.chart.addSeries(HistogramSeries, { priceScaleId: 'volume', priceFormat: { type: 'volume' }, lastValueVisible: false, priceLineVisible: false });
    this.chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 }, visible: false });
    this.markers = createSeriesMarkers(this.candleSeries, [] as SeriesMarker<UTCTimestamp>[]) as unknown as ISeriesMarkersPluginApi<UTCTimestamp>;
  }
}
