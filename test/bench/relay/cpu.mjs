// Where the CPU went during a load phase of the relay bench, from Linux's /proc: the relay's main
// thread, its busiest other thread (PGlite's worker when it runs inside) and the rest of its
// threads (GC, libuv), the load generator, Postgres (its
// postmaster and every child), this process (the vendor stand-ins), and what everything else on
// the machine used, with the idle and stolen shares. In cores: 1.0 is one core busy throughout.
import { readFileSync, readdirSync } from 'node:fs';

const HZ = 100; // USER_HZ: Linux's clock ticks a second in /proc, 100 on every common build.

/**
 * utime + stime (ticks), the same of its children that ended (cutime + cstime) and ppid of a
 * /proc stat file; zeros when it is gone.
 */
function stat(path) {
  try {
    const text = readFileSync(path, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(fields[11]) + Number(fields[12]), ended: Number(fields[13]) + Number(fields[14]), ppid: Number(fields[1]) };
  } catch {
    return { ticks: 0, ended: 0, ppid: 0 };
  }
}

/** A process and all its children (one level: Postgres's backends and workers). */
function family(pid) {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) if (/^\d+$/.test(entry) && stat(`/proc/${entry}/stat`).ppid === pid) pids.push(Number(entry));
  return pids;
}

/** The parent of `pid` (Postgres: a backend's postmaster). */
export const parentOf = (pid) => stat(`/proc/${pid}/stat`).ppid;

function machine() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
}

/** A reading: `{ relay, load, postgres? }` are pids (postgres: the postmaster's). */
export function reading({ relay, load, postgres }) {
  const relayAll = stat(`/proc/${relay}/stat`).ticks;
  const relayMain = stat(`/proc/${relay}/task/${relay}/stat`).ticks;
  let threads = [];
  try {
    threads = readdirSync(`/proc/${relay}/task`).filter((tid) => tid !== String(relay));
  } catch {
    // the relay is gone
  }
  return {
    at: performance.now(),
    relayMain,
    relayOther: relayAll - relayMain,
    relayThreads: new Map(threads.map((tid) => [tid, stat(`/proc/${relay}/task/${tid}/stat`).ticks])),
    load: stat(`/proc/${load}/stat`).ticks,
    // A backend whose connection closed between two readings counts in its postmaster's `ended`.
    postgres: postgres
      ? family(postgres).reduce((sum, pid) => sum + stat(`/proc/${pid}/stat`).ticks, stat(`/proc/${postgres}/stat`).ended)
      : 0,
    bench: stat(`/proc/${process.pid}/stat`).ticks,
    machine: machine(),
  };
}

/** Cores used between two readings, by whom; `others`: the machine's busy time nobody here used. */
export function used(a, b) {
  const seconds = (b.at - a.at) / 1000;
  const cores = (ticks) => ticks / HZ / seconds;
  const ours = ['relayMain', 'relayOther', 'load', 'postgres', 'bench'];
  const result = Object.fromEntries(ours.map((key) => [key, cores(b[key] - a[key])]));
  // The busiest thread besides the main one (PGlite's worker, when the database runs in the relay).
  result.relayTop = Math.max(0, ...[...b.relayThreads].map(([tid, ticks]) => cores(ticks - (a.relayThreads.get(tid) ?? 0))));
  result.others = Math.max(0, cores(b.machine.busy - a.machine.busy) - ours.reduce((sum, key) => sum + result[key], 0));
  result.idle = cores(b.machine.idle - a.machine.idle);
  result.steal = cores(b.machine.steal - a.machine.steal);
  return result;
}
