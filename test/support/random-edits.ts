/**
 * Seeded random changes of a text, for fast-path parsers held equal to the real parser: round r makes
 * (r % 3) + 1 edits, each putting one of `pieces` at a random place over up to two following characters. The same
 * seed gives the same texts on every run, so a failure names its input.
 */
export function* randomEdits(original: string, pieces: readonly string[], seed: number, rounds = 1000): Generator<string> {
  let state = seed;
  const random = (below: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % below;
  };
  for (let round = 0; round < rounds; round++) {
    let edited = original;
    for (let edit = 0; edit <= round % 3; edit++) {
      const at = random(edited.length);
      edited = edited.slice(0, at) + pieces[random(pieces.length)]! + edited.slice(at + random(3));
    }
    yield edited;
  }
}
