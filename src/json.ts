import { InputError } from './errors.js';

/** JSON from a file the user gave us; a syntax error is an input error naming the file. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError(`is not valid JSON (${(error as Error).message})`, file);
  }
}
