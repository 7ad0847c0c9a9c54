/// <reference types="node" />
// WebKit for the browser tests without Playwright's WebKit download: Debian's WebKitGTK
// (webkit2gtk-driver's WebKitWebDriver driving MiniBrowser) over classic WebDriver, with
// selenium-webdriver as the client. MiniBrowser needs a display: run under `xvfb-run -a`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { Builder, type WebDriver } from 'selenium-webdriver';

export const WEBKIT_DRIVER_PATH = process.env.WEBKIT_DRIVER_PATH || '/usr/bin/WebKitWebDriver';
export const MINIBROWSER_PATH = process.env.MINIBROWSER_PATH || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

/** A port nobody listens on right now, from the kernel. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

// Every driver this process started, so an exit of any kind takes them along: a driver left
// running holds the test runner's stdout open and MiniBrowser with it.
const running = new Set<ChildProcess>();
const killGroup = (child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') => {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // its own process group: the driver and the MiniBrowser it started
  } catch {
    child.kill(signal);
  }
};
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of running) killGroup(child, 'SIGKILL');
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

export interface WebKit {
  driver: WebDriver;
  /** Ends the session, then the WebKitWebDriver process (and its MiniBrowser). */
  quit(): Promise<void>;
}

export interface WebKitOptions {
  /** WebDriver's `acceptInsecureCerts`: pages over HTTPS with a test's self-signed certificate load. */
  acceptInsecureCerts?: boolean;
}

/**
 * Starts WebKitWebDriver on a free loopback port, waits until it listens, and opens a
 * MiniBrowser session in automation mode. The first start on a machine may take a while
 * (fontconfig builds its cache).
 */
export async function startWebKit({ acceptInsecureCerts = false }: WebKitOptions = {}): Promise<WebKit> {
  if (!process.env.DISPLAY) throw new Error('WebKit tests need a display: run them with `npm run test:webkit` (xvfb-run -a)');
  hookExit();
  const port = await freePort();
  const child = spawn(WEBKIT_DRIVER_PATH, [`--port=${port}`, '--host=127.0.0.1'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', () => running.delete(child));
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));

  const stop = async () => {
    killGroup(child);
    const late = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(late);
  };

  const deadline = Date.now() + 30_000;
  while (!(await accepts(port))) {
    if (spawnError || child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `WebKitWebDriver (${WEBKIT_DRIVER_PATH}) did not listen on ${port}: ${spawnError?.message ?? `exit ${child.exitCode}`} ${stderr}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const capabilities = {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER_PATH, args: ['--automation'] },
    ...(acceptInsecureCerts ? { acceptInsecureCerts: true } : {}),
  };
  let driver: WebDriver;
  try {
    driver = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(capabilities).build();
  } catch (error) {
    await stop();
    throw new Error(`no MiniBrowser session (${MINIBROWSER_PATH}): ${String(error)} ${stderr}`);
  }
  return {
    driver,
    async quit() {
      await driver.quit().catch(() => undefined);
      await stop();
    },
  };
}
