// Rows reused across calls: the distance runs in the near-miss hot path, where allocation dominates.
let rows = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];

/**
 * Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), capped at `limit + 1`.
 * Only the diagonal band |i - j| <= limit can hold a value within the limit, so only it is computed.
 */
export function editDistance(a: string, b: string, limit: number): number {
  const big = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return big;
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
