import { esc, formatMoney, formatPercent, formatPnl, formatPrice, formatShares } from '../format';
import { resolveWsUrl } from '../live';

describe('formatting', () => {
  it('shows money with the currency, two decimals and grouping, and a dash for nothing', () => {
    expect(formatMoney(1234.5)).toBe('$1,234.50');
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(null)).toBe('—');
    expect(formatPrice(99.5)).toBe('99.50');
    expect(formatShares(1200000)).toBe('1,200,000');
  });

  it('signs P&L and percentages', () => {
    expect(formatPnl(12.3)).toBe('+$12.30');
    expect(formatPnl(-4)).toBe('-$4.00');
    expect(formatPnl(0)).toBe('$0.00');
    expect(formatPercent(0.0123)).toBe('+1.23%');
    expect(formatPercent(-0.5)).toBe('-50.00%');
    // a loss too small to show is no loss: never "-0.00%"
    expect(formatPercent(-0.00001)).toBe('0.00%');
    expect(formatPercent(-0)).toBe('0.00%');
  });

  it('escapes everything that goes into the page', () => {
    expect(esc('<img src=x onerror="a()">&\'')).toBe('&lt;img src=x onerror=&quot;a()&quot;&gt;&amp;&#39;');
  });
});

describe('where the page finds Socket.IO', () => {
  const loc = { protocol: 'https:', hostname: 'exchange.example', origin: 'https://exchange.example' };
  it('same origin behind one ingress, a port on the same host, or a URL as given', () => {
    expect(resolveWsUrl('same-origin', loc)).toBe('https://exchange.example');
    expect(resolveWsUrl(':3001', loc)).toBe('https://exchange.example:3001');
    expect(resolveWsUrl('http://ws.local:9000', loc)).toBe('http://ws.local:9000');
  });
});
