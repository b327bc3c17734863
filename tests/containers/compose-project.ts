import { spawn } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';

/**
 * docker-compose.yml run by Debian's podman-compose 1.0.3, which starts services in dependency
 * order but does not wait for `depends_on` conditions: this has it create the containers, then
 * starts them one at a time and waits for each condition itself (a health check passing, a one-off job exiting 0), as Docker
 * Compose would. Health checks are run with `podman healthcheck run` (podman schedules them with
 * systemd timers, and these machines have no systemd).
 */
export const ROOT = join(__dirname, '..', '..');
export const CONTAINERS_CONF = join(ROOT, 'deploy', 'podman', 'containers.conf');

const t0 = Date.now();
/** one line per step, as it happens (jest holds console output back until a test ends) */
export function step(msg: string): void {
  process.stdout.write(`[deploy ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
}

export interface RunResult {
  code: number;
  out: string;
}

/** a command, its output kept (and shown in the error when it fails unless allowed) */
export function run(cmd: string, args: string[], env: Record<string, string> = {}, opts: { allowFail?: boolean; timeoutMs?: number } = {}, cwd = ROOT): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, CONTAINERS_CONF, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15 * 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, out };
      if (result.code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(' ')} exited ${result.code}:\n${out.slice(-4000)}`));
      else resolve(result);
    });
  });
}

interface ServiceDef {
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
  restart?: string;
}

export class ComposeProject {
  readonly services: Record<string, ServiceDef>;

  /**
   * `skipped`: services that cannot run on this machine, each with the reason, which `up` logs
   * (everything else still runs)
   */
  constructor(readonly name: string, readonly env: Record<string, string>, readonly skipped: Record<string, string> = {}) {
    const doc = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ServiceDef> };
    this.services = doc.services;
  }

  container(service: string): string {
    return `${this.name}_${service}_1`;
  }

  compose(args: string[], allowFail = false): Promise<RunResult> {
    return run('podman-compose', ['-p', this.name, ...args], this.env, { allowFail });
  }

  podman(args: string[], allowFail = false): Promise<RunResult> {
    return run('podman', args, this.env, { allowFail });
  }

  /** the services `up` starts, in an order where each comes after everything it depends on */
  startOrder(): string[] {
    return this.dependencyOrder().filter((s) => !(s in this.skipped));
  }

  private dependencyOrder(): string[] {
    const order: string[] = [];
    const visit = (s: string) => {
      if (order.includes(s)) return;
      for (const dep of Object.keys(this.services[s].depends_on ?? {})) visit(dep);
      order.push(s);
    };
    Object.keys(this.services).forEach(visit);
    return order;
  }

  /**
   * brings every service up in dependency order, waiting for each to be healthy (or done, for a
   * one-off job): podman-compose creates the containers (its `up --no-deps` would also try to run
   * each dependency again), then each is started in turn
   */
  async up(): Promise<void> {
    for (const [s, why] of Object.entries(this.skipped)) step(`${s}: NOT STARTED here: ${why}`);
    await this.compose(['up', '--no-start', ...this.startOrder()]);
    for (const s of this.startOrder()) {
      const started = Date.now();
      await this.podman(['start', this.container(s)]);
      if (this.services[s].restart === 'no') {
        const code = await this.waitExited(s);
        if (code !== 0) throw new Error(`${s} exited ${code}:\n${(await this.logs(s)).slice(-3000)}`);
        step(`${s}: exited 0 after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      } else {
        await this.waitHealthy(s);
        step(`${s}: healthy after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    }
  }

  async state(service: string): Promise<{ status: string; exitCode: number; restarts: number; pid: number }> {
    const r = await this.podman(['inspect', this.container(service), '--format', '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{.State.Pid}}']);
    const [status, exitCode, restarts, pid] = r.out.trim().split('\n').pop()!.split(' ');
    return { status, exitCode: Number(exitCode), restarts: Number(restarts), pid: Number(pid) };
  }

  async waitExited(service: string, timeoutMs = 120_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.state(service);
      if (s.status === 'exited') return s.exitCode;
      if (Date.now() > deadline) throw new Error(`${service} still ${s.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async waitHealthy(service: string, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await this.podman(['healthcheck', 'run', this.container(service)], true);
      if (r.code === 0) return;
      if (Date.now() > deadline) throw new Error(`${service} not healthy after ${timeoutMs} ms (${r.out.trim()}):\n${(await this.logs(service)).slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  async logs(service: string): Promise<string> {
    return (await this.podman(['logs', this.container(service)], true)).out;
  }
}
