import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { EventFileError, parseEventDefinition, toEngineEvent } from '../event-file';

const EVENTS = join(__dirname, '..', '..', 'events');
const minimal = () => ({ name: 'Class test', symbols: [{ symbol: 'ACME', tickSize: 0.01, referencePrice: 100 }] });

function problems(def: unknown): string[] {
  try {
    parseEventDefinition(def);
  } catch (err) {
    if (err instanceof EventFileError) return err.problems;
    throw err;
  }
  return [];
}

describe('event definitions', () => {
  test.each(readdirSync(EVENTS).filter((f) => f.endsWith('.yaml')))('when the shipped example %s is read, then it is valid', (file) => {
    const e = parseEventDefinition(readFileSync(join(EVENTS, file), 'utf8'));
    expect(e.symbols.length).toBeGreaterThan(0);
  });

  test('when a definition is converted for the engine, then money is in cents and fee rates in hundredths of a bp or of a cent', () => {
    const e = parseEventDefinition({
      ...minimal(),
      starting: { cash: '100000.50', shares: { ACME: 10 } },
      rules: { maxOrderValue: 2500.25, positionLimits: { ACME: { net: 100 } }, fees: { unit: 'bps', maker: -0.25, taker: 1.5 } },
    });
    expect(toEngineEvent(e)).toEqual({
      action: 'event',
      name: 'Class test',
      rules: { maxOrderQuantity: null, maxOrderNotional: 250_025, positionLimits: { ACME: { net: 100, gross: null } }, fees: { unit: 'BPS', maker: -25, taker: 150 }, shortSelling: false },
      starting: { cash: 10_000_050, shares: { ACME: 10 } },
    });
    const perShare = parseEventDefinition({ ...minimal(), rules: { fees: { unit: 'perShare', maker: 0, taker: 0.0035 } } });
    expect(toEngineEvent(perShare).rules.fees).toEqual({ unit: 'PER_SHARE', maker: 0, taker: 35 });
  });

  // each bad definition, and the field its error must name
  test.each<[string, (d: Record<string, any>) => unknown, string]>([
    ['no name', (d) => ({ ...d, name: '' }), 'name:'],
    ['no symbols', (d) => ({ ...d, symbols: [] }), 'symbols:'],
    ['a bad symbol name', (d) => ({ ...d, symbols: [{ ...d.symbols[0], symbol: 'acme!' }] }), 'symbols.0.symbol:'],
    ['a tick with sub-cent digits', (d) => ({ ...d, symbols: [{ ...d.symbols[0], tickSize: 0.001 }] }), 'symbols.0.tickSize:'],
    ['a reference price off the tick', (d) => ({ ...d, symbols: [{ ...d.symbols[0], tickSize: 0.05, referencePrice: 10.02 }] }), 'symbols.0.referencePrice:'],
    ['a symbol listed twice', (d) => ({ ...d, symbols: [d.symbols[0], d.symbols[0]] }), 'symbols.1.symbol:'],
    ['a volatility out of range', (d) => ({ ...d, symbols: [{ ...d.symbols[0], volatility: 2 }] }), 'symbols.0.volatility:'],
    ['negative starting cash', (d) => ({ ...d, starting: { cash: -5 } }), 'starting.cash:'],
    ['starting shares of an unlisted symbol', (d) => ({ ...d, starting: { shares: { ZZZ: 5 } } }), 'starting.shares.ZZZ:'],
    ['fractional starting shares', (d) => ({ ...d, starting: { shares: { ACME: 1.5 } } }), 'starting.shares.ACME:'],
    ['a position limit on an unlisted symbol', (d) => ({ ...d, rules: { positionLimits: { ZZZ: { net: 5 } } } }), 'rules.positionLimits.ZZZ:'],
    ['a zero net limit', (d) => ({ ...d, rules: { positionLimits: { ACME: { net: 0 } } } }), 'rules.positionLimits.ACME.net:'],
    ['short selling without a net limit', (d) => ({ ...d, rules: { shortSelling: true } }), 'rules.positionLimits.ACME.net: short selling needs a net position limit for ACME'],
    ['short selling that is not a boolean', (d) => ({ ...d, rules: { shortSelling: 'yes' } }), 'rules.shortSelling:'],
    ['a fee unit unknown', (d) => ({ ...d, rules: { fees: { unit: 'percent', maker: 0, taker: 1 } } }), 'rules.fees.unit:'],
    ['a rebate over the taker fee', (d) => ({ ...d, rules: { fees: { unit: 'bps', maker: -2, taker: 1 } } }), 'rules.fees.maker: a maker rebate cannot exceed'],
    ['a bps fee with three decimals', (d) => ({ ...d, rules: { fees: { unit: 'bps', maker: 0, taker: 1.005 } } }), 'rules.fees.taker:'],
    ['a zero maximum order value', (d) => ({ ...d, rules: { maxOrderValue: 0 } }), 'rules.maxOrderValue:'],
    ['both closeAt and a duration', (d) => ({ ...d, schedule: { closeAt: '2030-01-01T10:00:00Z', durationMinutes: 60 } }), 'schedule.durationMinutes:'],
    ['a close before the open', (d) => ({ ...d, schedule: { openAt: '2030-01-01T10:00:00Z', closeAt: '2030-01-01T09:00:00Z' } }), 'schedule.closeAt:'],
    ['a date that is not one', (d) => ({ ...d, schedule: { openAt: 'tomorrow-ish' } }), 'schedule.openAt:'],
    ['news about an unlisted symbol', (d) => ({ ...d, news: [{ afterMinutes: 1, headline: 'x', symbol: 'ZZZ' }] }), 'news.0.symbol:'],
    ['a price move without a symbol', (d) => ({ ...d, news: [{ afterMinutes: 1, headline: 'x', movePercent: 5 }] }), 'news.0.movePercent:'],
    ['a move of -100% or more', (d) => ({ ...d, news: [{ afterMinutes: 1, headline: 'x', symbol: 'ACME', movePercent: -100 }] }), 'news.0.movePercent:'],
    ['an empty headline', (d) => ({ ...d, news: [{ afterMinutes: 1, headline: '  ' }] }), 'news.0.headline:'],
    ['a misspelt field', (d) => ({ ...d, rules: { maxOrderSize: 10 } }), 'rules:'],
  ])('when the definition has %s, then it is refused naming the field', (_what, change, names) => {
    const found = problems(change(minimal()));
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(names);
  });

  test('when the text is not YAML at all, then the error says so', () => {
    expect(problems('name: [unclosed')[0]).toMatch(/^not YAML or JSON/);
  });
});
