import { readdirSync, readFileSync } from 'fs';

/**
 * Where the machine's CPU goes during a benchmark phase: CPU seconds per process group (each
 * service, the load generator itself, Redis, PostgreSQL) read from /proc, so a throughput figure
 * comes with the cost per order of every part that shares the two cores.
 */

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, the unit of /proc's times on Linux

/** utime + stime, in seconds, from one /proc/<pid>/stat line (the command name may hold spaces and parentheses) */
export function cpuSecondsFromStat(stat: string): number {
  const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14 and 15 of the line are utime and stime; afterName starts at field 3
  return (Number(afterName[11]) + Number(afterName[12])) / CLOCK_TICKS_PER_SECOND;
}

/** busy and total seconds of all cores from the first line of /proc/stat, and of the busy the time stolen by the hypervisor (another tenant's) */
export function machineSecondsFromStat(procStat: string): { busy: number; total: number; steal: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = procStat.split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  return { busy: (total - idle - iowait) / CLOCK_TICKS_PER_SECOND, total: total / CLOCK_TICKS_PER_SECOND, steal: steal / CLOCK_TICKS_PER_SECOND };
}

function processCpu(pid: number): number {
  try {
    return cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0; // the process ended between listing and reading
  }
}

/** the pids of every process whose command is `command` (redis-server, postgres) */
export function pidsNamed(command: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === command) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

export type Groups = () => Record<string, number[]>;

export interface CpuReading {
  /** CPU milliseconds per unit of work (an order, a command), by process group */
  msPerUnit: Record<string, number>;
  /** cores kept busy on average over the phase, by anything on the machine */
  coresBusy: number;
}

/**
 * Starts a measurement; the returned function ends it and divides by the units of work done.
 * `groups` is asked for pids at both ends (services restart between phases); PostgreSQL is
 * every `postgres` process, since each connection has its own.
 */
export function startCpuMeter(groups: Groups): (units: number) => CpuReading {
  const sample = () => {
    const byGroup = new Map<string, Map<number, number>>();
    for (const [name, pids] of Object.entries({ ...groups(), postgres: pidsNamed('postgres') })) byGroup.set(name, new Map(pids.map((pid) => [pid, processCpu(pid)])));
    const own = process.cpuUsage();
    byGroup.set('loadgen', new Map([[process.pid, (own.user + own.system) / 1e6]]));
    return { byGroup, machine: machineSecondsFromStat(readFileSync('/proc/stat', 'utf8')), at: performance.now() };
  };
  const before = sample();
  return (units) => {
    const after = sample();
    const msPerUnit: Record<string, number> = {};
    for (const [name, pids] of after.byGroup) {
      // a process that started during the phase counts from zero; one that ended is lost to us
      let seconds = 0;
      for (const [pid, s] of pids) seconds += s - (before.byGroup.get(name)?.get(pid) ?? 0);
      msPerUnit[name] = Math.round((seconds * 1e6) / Math.max(1, units)) / 1000;
    }
    const wall = (after.at - before.at) / 1000;
    return { msPerUnit, coresBusy: Math.round(((after.machine.busy - before.machine.busy) / wall) * 100) / 100 };
  };
}
