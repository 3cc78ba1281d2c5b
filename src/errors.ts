/** A problem with what the user gave us (arguments, files, config): one line, exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    message: string,
    /** The file the problem is in, when there is one; shown before the message. */
    readonly file?: string,
  ) {
    super(message);
  }
}

export const isInputError = (error: unknown): error is InputError => error instanceof InputError;
