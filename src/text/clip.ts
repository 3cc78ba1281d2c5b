/** A word (a name, a URL, a value: text without blanks) longer than this is shortened in one-line messages. */
export const MAX_WORD = 500;
/** A one-line message longer than this (many words, or a long value with blanks in it) is shortened too. */
export const MAX_LINE = 4000;

const LONG_WORD = new RegExp(`\\S{${MAX_WORD + 1},}`, 'gu');

/**
 * A one-line message with each over-long word shortened to its start and end around an ellipsis that says how much
 * was cut (`aaaa…(199,550 characters cut)…aaaa`), then the whole line likewise: a 200,000-character package name
 * made a 400 KB error line, all of it the same name.
 */
export function clipLine(text: string): string {
  const words = text.length > MAX_WORD ? text.replace(LONG_WORD, (word) => clipped(word, 300, 150)) : text;
  return words.length > MAX_LINE ? clipped(words, 3000, 800) : words;
}

/** The first `head` and last `tail` characters around the count of those cut, never splitting a surrogate pair. */
function clipped(text: string, head: number, tail: number): string {
  let start = head;
  if (isLowSurrogate(text.charCodeAt(start))) start--;
  let end = text.length - tail;
  if (isLowSurrogate(text.charCodeAt(end))) end++;
  return `${text.slice(0, start)}…(${(end - start).toLocaleString('en-US')} characters cut)…${text.slice(end)}`;
}

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;
