import { checkConfig, type Finding } from './check-config';

export interface CliIo {
  readFile(path: string): Promise<string>;
  out(line: string): void;
  err(line: string): void;
}

const USAGE = 'usage: acquaint validate <config.json>…';
const show = ({ path, message, hint }: Finding, mark: string): string => `${mark} ${message} → at ${path}${hint ? `\n    hint: ${hint}` : ''}`;

/** `acquaint validate file…`: prints every problem of each file and returns the exit code (1 on any). */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...files] = args;
  if (command !== 'validate' || !files.length) {
    io.err(USAGE);
    return 2;
  }
  let failed = false;
  for (const file of files) {
    let text: string;
    try {
      text = await io.readFile(file);
    } catch (error) {
      io.err(`✖ ${file}: cannot read it (${error instanceof Error ? error.message : String(error)})`);
      failed = true;
      continue;
    }
    const { errors, notes } = checkConfig(text);
    for (const note of notes) io.out(show(note, '•'));
    if (errors.length) {
      failed = true;
      io.err(`${file}: ${errors.length} problem${errors.length > 1 ? 's' : ''}`);
      for (const error of errors) io.err(show(error, '✖'));
    } else {
      io.out(`✔ ${file} is a valid acquaint config`);
    }
  }
  return failed ? 1 : 0;
}
