import { realpathSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runCli, type CliIo } from './cli/main';

// `npx acquaint validate tags.json`, `npx acquaint build tags.json --out public/` and `npx acquaint
// relay tags.json` (dist/cli.mjs, the package's bin). A container is bundled from dist/modules,
// beside this file; the relay is dist/relay.mjs. Imported rather than run, it only exports
// `runCli` and `nodeIo` (the browser suite builds its containers in its own process with them).
const dist = dirname(fileURLToPath(import.meta.url));

export { runCli };

/** The CLI's file system, console and relay on Node; `overrides` replace parts (where lines go). */
export const nodeIo = (overrides: Partial<CliIo> = {}): CliIo => ({
  readFile: (path) => readFile(path, 'utf8'),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  async writeFiles(dir, files) {
    await mkdir(dir, { recursive: true });
    for (const { name, code } of files) await writeFile(join(dir, name), code);
  },
  sources: { modulesDir: join(dist, 'modules'), distDir: dist },
  gzipSize: (text) => gzipSync(text, { level: 9 }).length,
  async relay(config) {
    // Its server, database and logger load only for this command.
    const { startRelay, RelayConfigError } = (await import(pathToFileURL(join(dist, 'relay.mjs')).href)) as typeof import('./relay');
    let running: Awaited<ReturnType<typeof startRelay>>;
    try {
      running = await startRelay({ config });
    } catch (error) {
      if (!(error instanceof RelayConfigError)) throw error;
      console.error(error.message);
      return 1;
    }
    return new Promise<number>((resolve) => {
      const stop = () => void running.close().then(() => resolve(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
  },
  ...overrides,
});

// Run as the bin (through npm's link too), not when imported.
function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false; // `node -e`, a REPL: no script of ours
  }
}
if (isMain())
  runCli(process.argv.slice(2), nodeIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 2;
    },
  );
