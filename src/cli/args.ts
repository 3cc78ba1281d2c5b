import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InputError } from '../errors.js';
import { closest } from '../text/closest.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node's own parser, with errors turned into one-line usage errors that suggest the likely flag. */
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

export function parseCommandArgs<T extends Options>(argv: readonly string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    const unknown = /Unknown option '([^']+)'/.exec(message)?.[1];
    const guess = unknown && closest(unknown.replace(/^-+/, ''), Object.keys(options));
    throw new InputError(unknown ? `unknown option ${unknown}${guess ? `; did you mean --${guess}?` : ''}` : message);
  }
}

export function oneOf<const T extends readonly string[]>(value: string | undefined, choices: T, flag: string): T[number] | undefined {
  if (value === undefined) return undefined;
  if ((choices as readonly string[]).includes(value)) return value as T[number];
  throw new InputError(`${flag} must be one of ${choices.join(', ')}; found "${value}"`);
}
