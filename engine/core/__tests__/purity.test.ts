import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const coreDir = join(__dirname, '..');
const sources = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

describe('the engine core stays pure', () => {
  test.each(sources)('when %s is read, then it imports only the core, the shared error table and the money conversions', (file) => {
    const text = readFileSync(join(coreDir, file), 'utf8');
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec === '../../contracts/errors' || spec === '../../contracts/money' || spec.startsWith('./')).toBe(true);
  });

  test.each(sources)('when %s is read, then it uses no clock, randomness or process state', (file) => {
    const text = readFileSync(join(coreDir, file), 'utf8');
    expect(text).not.toMatch(/Date\.now|new Date|Math\.random|performance\.now|process\.|require\(/);
  });

  test.each(['errors.ts', 'money.ts'])('when contracts/%s is read, then it imports nothing', (file) => {
    const text = readFileSync(join(__dirname, '../../../contracts', file), 'utf8');
    expect(text).not.toMatch(/^import /m);
  });
});
