import { checkConfig, type Finding } from './check-config';
import { buildContainer, type ContainerSources } from './container';

export interface CliIo {
  readFile(path: string): Promise<string>;
  out(line: string): void;
  err(line: string): void;
  /** For `build`: writes the files of a container into `dir` (created if missing). */
  writeFiles?(dir: string, files: { name: string; code: string }[]): Promise<void>;
  /** For `build`: where dist/modules and the lazily loaded files are. */
  sources?: Omit<ContainerSources, 'readFile'>;
  /** gzip size of a text, for `build`'s report. */
  gzipSize?(text: string): number;
  /** For `relay`: starts the relay with this config (dist/relay.mjs); resolves with the exit code when it stops. */
  relay?(config: unknown): Promise<number>;
}

const USAGE = [
  'usage: acquaint validate <config.json>…',
  '       acquaint build <config.json> --out <dir>',
  '       acquaint relay <config.json>   (PORT, DATABASE_URL and the *Env variables from the environment)',
].join('\n');
const show = ({ path, message, hint }: Finding, mark: string): string =>
  `${mark} ${message} → at ${path}${hint ? `\n    hint: ${hint}` : ''}`;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

/** `acquaint validate file…` or `acquaint build file --out dir`; returns the exit code (1 on any problem, 2 on usage). */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === 'validate' && rest.length) return validate(rest, io);
  if (command === 'build') {
    const out = rest.indexOf('--out');
    const dir = out >= 0 ? rest[out + 1] : undefined;
    const files = rest.filter((_, i) => i !== out && i !== out + 1);
    if (dir && !dir.startsWith('--') && files.length === 1) return build(files[0]!, dir, io);
  }
  if (command === 'relay' && rest.length === 1 && io.relay) return relay(rest[0]!, io);
  io.err(USAGE);
  return 2;
}

async function relay(file: string, io: CliIo): Promise<number> {
  const text = await read(file, io);
  if (text === undefined) return 1;
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch (error) {
    io.err(`✖ ${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    return 1;
  }
  return io.relay!(config);
}

async function read(file: string, io: CliIo): Promise<string | undefined> {
  try {
    return await io.readFile(file);
  } catch (error) {
    io.err(`✖ ${file}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

function problems(file: string, errors: readonly Finding[], io: CliIo): void {
  io.err(`${file}: ${errors.length} problem${errors.length > 1 ? 's' : ''}`);
  for (const error of errors) io.err(show(error, '✖'));
}

async function validate(files: readonly string[], io: CliIo): Promise<number> {
  let failed = false;
  for (const file of files) {
    const text = await read(file, io);
    if (text === undefined) {
      failed = true;
      continue;
    }
    const { errors, notes } = checkConfig(text);
    for (const note of notes) io.out(show(note, '•'));
    if (errors.length) {
      failed = true;
      problems(file, errors, io);
    } else {
      io.out(`✔ ${file} is a valid acquaint config`);
    }
  }
  return failed ? 1 : 0;
}

/** The container of one config: every problem reported and nothing written, or every file written. */
async function build(file: string, dir: string, io: CliIo): Promise<number> {
  if (!io.writeFiles || !io.sources) throw new Error('build needs writeFiles and sources');
  const text = await read(file, io);
  if (text === undefined) return 1;
  const result = await buildContainer(text, { ...io.sources, readFile: io.readFile });
  for (const note of result.notes) io.out(show(note, '•'));
  if ('errors' in result) {
    problems(file, result.errors, io);
    io.err(`nothing written to ${dir}`);
    return 1;
  }
  await io.writeFiles(dir, result.files);
  const left = Object.entries(result.features)
    .filter(([name, on]) => !on && name !== 'configAtRuntime')
    .map(([name]) => name);
  io.out(`✔ ${file} → ${dir}/`);
  for (const { name, code } of result.files)
    io.out(`  ${name}: ${kb(code.length)} min${io.gzipSize ? `, ${kb(io.gzipSize(code))} gzip` : ''}`);
  io.out(`  left out: ${left.join(', ') || 'nothing'}`);
  return 0;
}
