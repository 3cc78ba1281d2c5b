// ASCII white space only: String#trim also drops Unicode spaces (U+00A0, U+3000, U+FEFF…), which would turn a
// name npm refuses (`\u00a0lodash`) into the popular name it imitates before anything judged it.
const EDGES = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

/** A typed name or list line without the blanks and line ends around it (a CRLF file's \r included). */
export const trimLine = (text: string): string => text.replace(EDGES, '');
