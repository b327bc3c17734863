import { basename, dirname, join } from 'path';

/**
 * The project's root, whether the calling file runs compiled (under dist/) or from source under
 * jest; `levels` is how many folders the caller's own folder sits below the root.
 */
export function projectRoot(callerDir: string, levels: number): string {
  const root = join(callerDir, ...Array<string>(levels).fill('..'));
  return basename(root) === 'dist' ? dirname(root) : root;
}
