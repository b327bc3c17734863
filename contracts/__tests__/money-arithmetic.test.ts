import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join, relative } from 'path';
import { sourceFiles } from './source-files';

/**
 * Money is converted in one module (contracts/money.ts, and the UI's generated copy of it): no
 * other source multiplies or divides by 100. A line that does it for something else (a percent, a
 * delay) says so with a `// percent, not cents` (or `milliseconds, not cents`) comment.
 */
const ROOT = join(__dirname, '..', '..');
// examples/ is a participant's bot, written against the public API alone: not the exchange's code
const FOLDERS = ['api', 'engine', 'ws-server', 'db-writer', 'data-server', 'contracts', 'runtime', 'portfolio', 'ui/src', 'scripts'];
const CONVERTERS = ['contracts/money.ts', 'ui/src/generated/money.ts'];
const BY_100 = /[*/]\s*100\b(?!_)|\b100\s*\*(?!\*)/;

describe('money arithmetic', () => {
  test('when any source outside money.ts multiplies or divides by 100, then it says why, or it is a conversion that belongs in money.ts', () => {
    const found = FOLDERS.flatMap((f) => sourceFiles(join(ROOT, f)))
      .filter((file) => !CONVERTERS.includes(relative(ROOT, file)))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => ({ line, where: `${relative(ROOT, file)}:${i + 1}` }))
          .filter(({ line }) => BY_100.test(line.replace(/\/\/.*$/, '')) && !/not cents/.test(line))
          .map(({ where, line }) => `${where}: ${line.trim()}`),
      );
    expect(found).toEqual([]);
  });

  test('when the pattern meets cent arithmetic, then it finds it (the check itself is not blind)', () => {
    for (const line of ['const c = Math.round(v * 100);', 'return cents / 100;', 'x = 100 * price;']) expect(BY_100.test(line)).toBe(true);
    for (const line of ['setTimeout(r, 1000);', 'const n = 10_000;', 'x = 100_000 * y;']) expect(BY_100.test(line)).toBe(false);
  });

  test('when the UI is built, then its copies of money.ts and errors.ts are the originals word for word', () => {
    // exits 1 naming the stale copy
    expect(() => execFileSync(process.execPath, [join(ROOT, 'scripts', 'generate-ui-contracts.js'), '--check'], { stdio: 'pipe' })).not.toThrow();
    expect(readFileSync(join(ROOT, 'ui', 'src', 'generated', 'money.ts'), 'utf8')).toContain(readFileSync(join(ROOT, 'contracts', 'money.ts'), 'utf8'));
  });
});
