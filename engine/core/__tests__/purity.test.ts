import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

const coreDir = join(__dirname, '..');
const sources = readdirSync(coreDir).filter((f) => f.endsWith('.ts'));

describe('the engine core stays pure', () => {
  test.each(sources)('when %s is read, then it imports only the core and the shared error table', (file) => {
    const text = readFileSync(join(coreDir, file), 'utf8');
    const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1]);
    for (const spec of imports) expect(spec === '../../contracts/errors' || spec.startsWith('./')).toBe(true);
  });

  test.each(sources)('when %s is read, then it uses no clock, randomness or process state', (file) => {
    const text = readFileSync(join(coreDir, file), 'utf8');
    expect(text).not.toMatch(/Date\.now|new Date|Math\.random|performance\.now|process\.|require\(/);
  });

  test('when the error table is read, then it imports nothing', () => {
    const text = readFileSync(join(__dirname, '../../../contracts/errors.ts'), 'utf8');
    expect(text).not.toMatch(/^import /m);
  });
});
