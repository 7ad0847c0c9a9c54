import { readFile } from 'node:fs/promises';
import { runCli } from './cli/main';

// `npx acquaint validate tags.json` (dist/cli.mjs, the package's bin).
runCli(process.argv.slice(2), {
  readFile: (path) => readFile(path, 'utf8'),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
}).then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  console.error(error);
  process.exitCode = 2;
});
