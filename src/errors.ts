import { clipLine } from './text/clip.js';

/**
 * A problem with what the user gave us (arguments, files, config): one line, exit code 2. Names and values in it
 * come from that input and may be any length: over-long ones are shortened here, for every message at once.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** The file the problem is in, when there is one; shown before the message. */
  readonly file?: string;
  constructor(message: string, file?: string) {
    super(clipLine(message));
    if (file !== undefined) this.file = clipLine(file);
  }
}

export const isInputError = (error: unknown): error is InputError => error instanceof InputError;
