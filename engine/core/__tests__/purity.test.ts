import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const coreDir = join(__dirname, '..');
const sources = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

describe('the engine core stays pure', () => {
  /** the pure parts of contracts/ the core may read: the error table, money, order limits, the shared vocabulary */
  const PURE_CONTRACTS = ['errors', 'money', 'order-limits', 'engine-types'];

  test.each(sources)('when %s is read, then it imports only the core and the pure contracts (errors, money, order limits, the commands and events)', (file) => {
    const text = readFileSync(join(coreDir, file), 'utf8');
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    for (const spec of imports) expect(PURE_CONTRACTS.map((c) => `../../contracts/${c}`).includes(spec) || spec.startsWith('./')).toBe(true);
  });

  test.each(sources)('when %s is read, then it uses no clock, randomness or process state', (file) => {
    const text = readFileSync(join(coreDir, file), 'utf8');
    expect(text).not.toMatch(/Date\.now|new Date|Math\.random|performance\.now|process\.|require\(/);
  });

  test.each(['errors.ts', 'money.ts', 'order-limits.ts', 'engine-types.ts'])('when contracts/%s is read, then it imports nothing and uses no clock, randomness or process state', (file) => {
    const text = readFileSync(join(__dirname, '../../../contracts', file), 'utf8');
    expect(text).not.toMatch(/^import /m);
    expect(text).not.toMatch(/Date\.now|new Date|Math\.random|performance\.now|process\.|require\(/);
  });
});
