import { validateName } from '../cjs.js';
import { InputError } from '../errors.js';
import { escapeName, escapeText } from '../text/escape.js';

/** Checks of untrusted JSON: each failure is an InputError naming the file and the JSON path. */
export type JsonRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Shape {
  /** Names already found valid: a lockfile names each package many times, and validating one is the costly part. */
  private readonly validNames = new Set<string>();

  constructor(readonly file: string) {}

  fail(message: string): never {
    throw new InputError(message, this.file);
  }

  record(value: unknown, where: string): JsonRecord {
    if (!isRecord(value)) this.fail(`${where} must be an object, found ${describe(value)}`);
    return value;
  }

  optionalRecord(value: unknown, where: string): JsonRecord | undefined {
    return value === undefined ? undefined : this.record(value, where);
  }

  optionalString(value: unknown, where: string): string | undefined {
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.fail(`${where} must be a string, found ${describe(value)}`);
    return value;
  }

  optionalBoolean(value: unknown, where: string): boolean {
    if (value === undefined) return false;
    if (typeof value !== 'boolean') this.fail(`${where} must be true or false, found ${describe(value)}`);
    return value;
  }

  /** A dependency field: package names to spec strings. */
  specMap(value: unknown, where: string): Map<string, string> {
    const specs = new Map<string, string>();
    if (value === undefined) return specs;
    for (const [name, spec] of Object.entries(this.record(value, where))) {
      this.packageName(name, `${where}`);
      if (typeof spec !== 'string') this.fail(`${where}["${shown(name)}"] must be a string, found ${describe(spec)}`);
      specs.set(name, spec);
    }
    return specs;
  }

  /** Names that npm itself could never have installed are tampering or corruption, not data. */
  packageName(name: string, where: string): string {
    if (this.validNames.has(name)) return name;
    // validate-npm-package-name runs encodeURIComponent, which throws on a lone surrogate.
    if (LONE_SURROGATE.test(name)) this.fail(`${where} names a package "${shown(name)}" that is not valid Unicode (a lone surrogate)`);
    const verdict = validateName(name);
    if (!verdict.validForOldPackages) {
      const reason = verdict.errors?.[0] ?? 'invalid';
      // escapeName: a look-alike or invisible character is what makes it invalid, so it is shown, in the name and
      // in the place that holds it (a lockfile key is the name again).
      this.fail(`${escapeName(where)} names a package "${escapeName(name)}" that npm would refuse (${reason})`);
    }
    this.validNames.add(name);
    return name;
  }
}

const LONE_SURROGATE = /\p{Cs}/u;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Text from a file as error messages show it: control characters escaped, lone surrogates as `\u{d800}`. */
export function shown(text: string): string {
  // Printable ASCII needs no escape; readers name every key they check this way, so the common case is kept quick.
  if (PRINTABLE_ASCII.test(text)) return text;
  return escapeText(text).replace(/\p{Cs}/gu, (char) => `\\u{${char.charCodeAt(0).toString(16)}}`);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return 'a string';
  return `${typeof value === 'object' ? 'an' : 'a'} ${typeof value}`;
}
