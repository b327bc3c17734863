import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ROOT, run, step } from './compose-project';

/**
 * The lock file installs as locked: on a fresh clone of this commit `npm ci` takes it as it is
 * (the Dockerfile and .ci/run use it, with no fallback), and a newcomer's `npm install` leaves
 * `git status` clean (no platform's optional packages missing, no download addresses added).
 */
test('when a fresh clone runs npm ci, then npm install, then the lock file and the tree are unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lock-check-'));
  try {
    await run('git', ['clone', '-q', ROOT, dir]);
    const opts = ['--no-audit', '--no-fund', '--ignore-scripts'];
    await run('npm', ['ci', ...opts], {}, {}, dir);
    step('lock file: npm ci on a fresh clone passed');
    // npm's default, whatever this machine's npmrc says: the lock file records no download addresses either way
    await run('npm', ['install', ...opts, '--omit-lockfile-registry-resolved=false'], {}, {}, dir);
    const status = await run('git', ['status', '--porcelain'], {}, {}, dir);
    step(`lock file: git status after npm install: ${status.out.trim() === '' ? 'clean' : status.out.trim()}`);
    expect(status.out.trim()).toBe('');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 10 * 60_000);
