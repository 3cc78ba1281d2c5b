import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.js';
import { closest } from '../text/closest.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node's own parser, with errors turned into one-line usage errors that suggest the likely flag. */
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

export function parseCommandArgs<T extends Options>(argv: readonly string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: withDashValues(argv, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    const guess = unknown && closest(unknown.replace(/^-+/, ''), Object.keys(options));
    if (unknown) throw new InputError(`unknown option ${unknown}${guess ? `; did you mean --${guess}?` : ''}`);
    const missing = /^Option '(--[^' ]+)[^']*' argument (missing|is ambiguous)/.exec(message);
    if (missing)
      throw new InputError(`${missing[1]} needs a value${missing[2] === 'missing' ? '' : `; found the option ${argv[argv.indexOf(missing[1]!) + 1]}`}`);
    throw new InputError(message);
  }
}

/**
 * A value that starts with a dash, given as the next argument (`--dir -x`, `--timeout -5`), is refused: it is far
 * more often a forgotten value followed by the next option than a value, and taken as one it made a folder named
 * `-x`. `--dir=-x` says it is meant; `-` alone (standard input) is a value. node's parser would have said the same
 * in three lines ("ambiguous"); every parser of the CLI (this one, the gate's and exec's) says it in one.
 */
function withDashValues(argv: readonly string[], options: Options): string[] {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--') break;
    if (arg.startsWith('--') && options[arg.slice(2)]?.type === 'string') separateValue(arg, argv[index + 1]);
  }
  return [...argv];
}

/** The value given after `flag` as the next argument: an input error when missing or when it starts with a dash. */
export function separateValue(flag: string, next: string | undefined): string {
  if (next === undefined) throw new InputError(`${flag} needs a value`);
  if (next.startsWith('-') && next !== '-') {
    throw new InputError(
      next.startsWith('--')
        ? `${flag} needs a value; found the option ${next.split('=')[0]!}`
        : `${flag} needs a value; found "${next}" (a value that starts with a dash is given as ${flag}=${next})`,
    );
  }
  return next;
}

export function oneOf<const T extends readonly string[]>(value: string | undefined, choices: T, flag: string): T[number] | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T[number];
  throw new InputError(`${flag} must be one of ${choices.join(', ')}; found "${value}"`);
}
