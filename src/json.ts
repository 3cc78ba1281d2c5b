import { InputError } from './errors.js';

/**
 * JSON from a file the user gave us; a syntax error is an input error naming the file. One leading byte order
 * mark is dropped first, as npm's own reader (json-parse-even-better-errors) does, so a file npm reads parses here.
 */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown;
  } catch (error) {
    throw new InputError(`is not valid JSON (${(error as Error).message})`, file);
  }
}
