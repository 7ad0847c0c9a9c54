// A real, throwaway Postgres for the relay's tests: a fresh cluster in a temporary directory,
// listening on 127.0.0.1 only (and a Unix socket in that directory), trust auth, fsync off.
// It uses the machine's own server binaries (Debian's `postgresql` package puts them in
// /usr/lib/postgresql/<major>/bin). initdb and postgres refuse to run as root, so as root (CI)
// they run as the `postgres` system user through `runuser`.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/acquaint`, for `pg` (no password: trust auth). */
  url: string;
  /** Stops the server (immediate mode) and removes its directory; a second call does nothing. */
  stop(): Promise<void>;
}

const DATABASE = 'acquaint';
const NEEDED = ['initdb', 'pg_ctl', 'postgres'];

/** The directory holding initdb, pg_ctl and postgres: Debian's newest major, else one on PATH. */
function binDir(): string | undefined {
  const has = (dir: string) => NEEDED.every((name) => existsSync(join(dir, name)));
  const root = '/usr/lib/postgresql';
  let majors: string[] = [];
  try {
    majors = readdirSync(root)
      .filter((name) => /^\d+(\.\d+)?$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    // no Debian layout
  }
  for (const major of majors) if (has(join(root, major, 'bin'))) return join(root, major, 'bin');
  return (process.env.PATH ?? '').split(delimiter).find((dir) => dir && has(dir));
}

const asRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The `postgres` system user's uid and gid, from /etc/passwd. */
function postgresUser(): { uid: number; gid: number } | undefined {
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('postgres:'));
    const [, , uid, gid] = line?.split(':') ?? [];
    return uid && gid ? { uid: Number(uid), gid: Number(gid) } : undefined;
  } catch {
    return undefined;
  }
}

const RUNUSER = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'];

/** Why startPostgres() cannot run here, or undefined when it can. */
export function whyNoPostgres(): string | undefined {
  if (!binDir()) {
    return 'no Postgres server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin or on PATH: install Debian\'s "postgresql" package';
  }
  if (asRoot()) {
    if (!postgresUser()) return 'running as root, and there is no "postgres" system user to run initdb and postgres as';
    if (!RUNUSER.some((path) => existsSync(path))) return 'running as root, and there is no runuser to run Postgres as the "postgres" user';
  }
  return undefined;
}

/** Are the Postgres binaries (and, as root, the postgres user) there? */
export function postgresAvailable(): boolean {
  return whyNoPostgres() === undefined;
}

/** A port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The command line that runs `bin` with `args` as a user Postgres accepts. */
function command(bin: string, args: string[]): [string, string[]] {
  if (!asRoot()) return [bin, args];
  const runuser = RUNUSER.find((path) => existsSync(path)) ?? 'runuser';
  return [runuser, ['-u', 'postgres', '--', bin, ...args]];
}

function run(bin: string, args: string[], cwd: string): Promise<string> {
  const [file, argv] = command(bin, args);
  return new Promise((resolve, reject) => {
    execFile(file, argv, { cwd, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${[file, ...argv].join(' ')} failed: ${error.message}\n${stderr || stdout}`));
      else resolve(stdout);
    });
  });
}

const quote = (value: string) => `'${value.replace(/'/g, "''")}'`;
const logTail = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
};

/** A fresh Postgres on 127.0.0.1 with an empty database `acquaint`; stop() it when done. */
export async function startPostgres(): Promise<TestPostgres> {
  const why = whyNoPostgres();
  if (why) throw new Error(`startPostgres: ${why}`);
  const bin = binDir()!;
  const dir = mkdtempSync(join(tmpdir(), 'acquaint-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const user = asRoot() ? postgresUser()! : undefined;
  if (user) chownSync(dir, user.uid, user.gid);
  const pgCtl = join(bin, 'pg_ctl');
  let started = false;
  let stopped = false;
  let watchdog: ChildProcess | undefined;

  const stopSync = () => {
    watchdog?.kill();
    if (started) {
      const [file, argv] = command(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']);
      try {
        execFileSync(file, argv, { cwd: dir, stdio: 'ignore', timeout: 10_000 });
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test process that ends without stop() must not leave a server behind.
  process.once('exit', stopSync);

  try {
    // -A trust: no password from 127.0.0.1 or the socket. --locale=C needs no locale installed.
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], dir);
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      // Later lines win: a retry's port replaces the last one.
      const settings = {
        listen_addresses: quote('127.0.0.1'),
        port: String(port),
        unix_socket_directories: quote(dir),
        fsync: 'off',
        synchronous_commit: 'off',
        full_page_writes: 'off',
        max_connections: '50',
      };
      appendFileSync(
        join(data, 'postgresql.conf'),
        Object.entries(settings)
          .map(([key, value]) => `${key} = ${value}\n`)
          .join(''),
      );
      try {
        started = true;
        await run(pgCtl, ['start', '-D', data, '-l', log, '-w', '-t', '30'], dir);
        break;
      } catch (err) {
        started = false;
        // Another process may have taken the port between freePort() and the server binding it.
        if (attempt >= 3 || !/could not bind|Address already in use/i.test(logTail(log))) {
          throw new Error(`${(err as Error).message}\n--- ${log}:\n${logTail(log)}`);
        }
      }
    }
    // Should this process die without stop() (a killed test worker), a detached watchdog stops
    // the server and removes its directory once this process is gone.
    const [stopFile, stopArgs] = command(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w']);
    const script = 'p=$1; d=$2; shift 2; while kill -0 "$p" 2>/dev/null; do sleep 1; done; "$@" >/dev/null 2>&1; rm -rf "$d"';
    watchdog = spawn('/bin/sh', ['-c', script, 'acquaint-pg-watchdog', String(process.pid), dir, stopFile, ...stopArgs], {
      cwd: dir,
      detached: true,
      stdio: 'ignore',
    });
    watchdog.unref();
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await admin.end();
    }
    return {
      url: `postgres://postgres@127.0.0.1:${port}/${DATABASE}`,
      async stop() {
        if (stopped) return;
        stopped = true;
        process.off('exit', stopSync);
        watchdog?.kill();
        await run(pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w'], dir).catch(() => undefined);
        started = false;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    process.off('exit', stopSync);
    stopSync();
    throw err;
  }
}
