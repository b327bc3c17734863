import { readdirSync, statSync } from 'fs';
import { join } from 'path';

/** every TypeScript source under `dir`, tests and declarations left out (for the tests that read the tree) */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === '__tests__' ? [] : sourceFiles(path);
    return /\.ts$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : [];
  });
}
