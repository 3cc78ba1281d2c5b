// Rows reused across calls: the distance runs in the near-miss hot path, where allocation dominates.
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), capped at `limit + 1`.
 * Only the diagonal band |i - j| <= limit can hold a value within the limit, so only it is computed.
 */
export function editDistance(a: string, b: string, limit: number): number {
  const big = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return big;
  if (a.length === 0 || b.length === 0) return Math.min(a.length + b.length, big);
  if (limit <= 1) return Math.min(distanceUpToOne(a, b), big);
  if (rows[0]!.length <= b.length + 1) rows = [0, 1, 2].map(() => new Int32Array(b.length * 2 + 2));
  let [beforePrevious, previous, current] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) previous[j] = j <= limit ? j : big;
  for (let i = 1; i <= a.length; i++) {
    const low = Math.max(1, i - limit);
    const high = Math.min(b.length, i + limit);
    current[low - 1] = low === 1 ? (i <= limit ? i : big) : big;
    if (high < b.length) current[high + 1] = big;
    let rowMin = big;
    for (let j = low; j <= high; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        value = Math.min(value, beforePrevious[j - 2]! + 1);
      }
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return big;
    const recycled = beforePrevious;
    beforePrevious = previous;
    previous = current;
    current = recycled;
  }
  return Math.min(previous[b.length]!, big);
}

/** 0, 1, or 2 for "more than one": one scan for the first difference, then the rest compared once. */
function distanceUpToOne(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  let at = 0;
  while (at < shorter && a.charCodeAt(at) === b.charCodeAt(at)) at++;
  if (at === shorter) return a.length === b.length ? 0 : Math.abs(a.length - b.length) === 1 ? 1 : 2;
  if (a.length === b.length) {
    if (sameFrom(a, at + 1, b, at + 1)) return 1; // one substituted
    const swapped = a.charCodeAt(at) === b.charCodeAt(at + 1) && a.charCodeAt(at + 1) === b.charCodeAt(at);
    return swapped && sameFrom(a, at + 2, b, at + 2) ? 1 : 2;
  }
  if (a.length === b.length + 1) return sameFrom(a, at + 1, b, at) ? 1 : 2; // one inserted in a
  if (b.length === a.length + 1) return sameFrom(a, at, b, at + 1) ? 1 : 2; // one deleted from a
  return 2;
}

/** a from `fromA` on equals b from `fromB` on. */
function sameFrom(a: string, fromA: number, b: string, fromB: number): boolean {
  if (a.length - fromA !== b.length - fromB) return false;
  for (let offset = 0; fromA + offset < a.length; offset++) if (a.charCodeAt(fromA + offset) !== b.charCodeAt(fromB + offset)) return false;
  return true;
}

/**
 * The same distance from one pattern of at most 32 code units to many texts, bit-parallel (Myers' algorithm with
 * Hyyrö's transposition term): a column of the dynamic-programming table is one 32-bit word, so a text costs a
 * few word operations per character. The near-miss search measures a candidate against every target its part
 * search turned up.
 */
export class DistanceFrom {
  static readonly MAX_LENGTH = 32;
  /** For each character, the bit set of its positions in the pattern. */
  private readonly ascii = new Uint32Array(128);
  private readonly other = new Map<number, number>();
  private pattern = '';
  private high = 0;

  constructor(pattern: string) {
    this.from(pattern);
  }

  /** Measures from another pattern: one instance serves a whole search without allocating. */
  from(pattern: string): this {
    if (pattern.length > DistanceFrom.MAX_LENGTH) throw new RangeError('pattern longer than 32 code units');
    for (let index = 0; index < this.pattern.length; index++) this.ascii[this.pattern.charCodeAt(index) & 127] = 0;
    this.other.clear();
    this.pattern = pattern;
    for (let index = 0; index < pattern.length; index++) {
      const code = pattern.charCodeAt(index);
      if (code < 128) this.ascii[code]! |= 1 << index;
      else this.other.set(code, (this.other.get(code) ?? 0) | (1 << index));
    }
    this.high = 1 << (pattern.length - 1);
    return this;
  }

  private positions(code: number): number {
    return code < 128 ? this.ascii[code]! : (this.other.get(code) ?? 0);
  }

  /** editDistance(pattern, text, limit). */
  distance(text: string, limit: number): number {
    const length = this.pattern.length;
    if (Math.abs(length - text.length) > limit) return limit + 1;
    if (length === 0) return Math.min(text.length, limit + 1);
    let positive = -1; // vertical deltas +1, all rows
    let negative = 0; // vertical deltas -1
    let previousMatch = 0;
    let previousDiagonal = 0;
    let score = length;
    for (let index = 0; index < text.length; index++) {
      const match = this.positions(text.charCodeAt(index));
      const transposed = ((~previousDiagonal & match) << 1) & previousMatch;
      const diagonal = ((((match & positive) + positive) ^ positive) | match | negative | transposed) >>> 0;
      let horizontalPositive = negative | ~(diagonal | positive);
      let horizontalNegative = positive & diagonal;
      if (horizontalPositive & this.high) score++;
      else if (horizontalNegative & this.high) score--;
      // The remaining characters can lower the score by one each at most.
      if (score - (text.length - index - 1) > limit) return limit + 1;
      horizontalPositive = (horizontalPositive << 1) | 1;
      horizontalNegative <<= 1;
      positive = horizontalNegative | ~(diagonal | horizontalPositive);
      negative = horizontalPositive & diagonal;
      previousDiagonal = diagonal;
      previousMatch = match;
    }
    return Math.min(score, limit + 1);
  }
}
