import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { runCli } from './cli/main';

// `npx acquaint validate tags.json` and `npx acquaint build tags.json --out public/` (dist/cli.mjs,
// the package's bin). A container is bundled from dist/modules, beside this file.
const dist = dirname(fileURLToPath(import.meta.url));

runCli(process.argv.slice(2), {
  readFile: (path) => readFile(path, 'utf8'),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  async writeFiles(dir, files) {
    await mkdir(dir, { recursive: true });
    for (const { name, code } of files) await writeFile(join(dir, name), code);
  },
  sources: { modulesDir: join(dist, 'modules'), distDir: dist },
  gzipSize: (text) => gzipSync(text, { level: 9 }).length,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 2;
  },
);
