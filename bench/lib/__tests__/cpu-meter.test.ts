import { cpuSecondsFromStat, machineSecondsFromStat } from '../cpu-meter';

describe('reading /proc', () => {
  it('takes utime and stime after the command name, even one with spaces and parentheses', () => {
    const line = '4242 (node (api) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 566 0 0 20 0 11 0 900 1000000 20000 18446744073709551615';
    expect(cpuSecondsFromStat(line)).toBeCloseTo(18.0, 6);
  });

  it('counts busy time as everything but idle and iowait', () => {
    const stat = 'cpu  100 5 50 800 40 3 2 0 0 0\ncpu0 50 2 25 400 20 1 1 0 0 0\n';
    expect(machineSecondsFromStat(stat)).toEqual({ busy: 1.6, total: 10, steal: 0 });
  });

  it('tells the time stolen by the hypervisor, counted as busy', () => {
    const stat = 'cpu  100 5 50 800 40 3 2 30 0 0\n';
    expect(machineSecondsFromStat(stat)).toEqual({ busy: 1.9, total: 10.3, steal: 0.3 });
  });
});
