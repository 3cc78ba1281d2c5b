// ASCII white space only: String#trim also drops Unicode spaces (U+00A0, U+3000, U+FEFF…), which would turn a
// name npm refuses (`\u00a0lodash`) into the popular name it imitates before anything judged it.
const EDGES = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

/** A typed name or list line without the blanks and line ends around it (a CRLF file's \r included). */
export const trimLine = (text: string): string => (isBlank(text.charCodeAt(0)) || isBlank(text.charCodeAt(text.length - 1)) ? text.replace(EDGES, '') : text);

/** One of EDGES' characters (NaN, past either end of an empty text, is none: an empty text is returned as it is). */
const isBlank = (code: number): boolean => code === 32 || (code >= 9 && code <= 13);
