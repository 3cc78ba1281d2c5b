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
 * `--timeout -5` as `--timeout=-5`: node's parser refuses a value that starts with a dash as ambiguous (a forgotten
 * value?) and prints three lines about it. A dash value that is not one of the command's options can only be the
 * value, so it goes on to the option's own check ("--timeout must be a whole number above 0; found "-5"").
 */
function withDashValues(argv: readonly string[], options: Options): string[] {
  const flags = new Set(Object.entries(options).flatMap(([name, option]) => [`--${name}`, ...(option.short ? [`-${option.short}`] : [])]));
  const args: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    const next = argv[index + 1];
    if (arg === '--') return [...args, ...argv.slice(index)];
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && /^-./.test(next) && next !== '--' && !flags.has(next.split('=')[0]!)) {
      args.push(`${arg}=${next}`);
      index++;
    } else args.push(arg);
  }
  return args;
}

export function oneOf<const T extends readonly string[]>(value: string | undefined, choices: T, flag: string): T[number] | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T[number];
  throw new InputError(`${flag} must be one of ${choices.join(', ')}; found "${value}"`);
}
