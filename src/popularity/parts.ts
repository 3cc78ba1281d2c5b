import { bareUndelimited } from './forms.js';
import { hash32 } from './hash.js';

/**
 * The search for two and three edits (pigeonhole): a name is cut in parts, three for six to eleven letters,
 * four for twelve and thirteen, five from fourteen. Each (Levenshtein) edit breaks at most one part and moves
 * the ones after it by at most one place, so two edits leave all parts but two intact, three edits all but
 * three. A target is indexed under its parts, tagged with its length and the part's number; a candidate probes
 * each part at each place the edits can have moved it to, and a target qualifies when enough distinct parts
 * match. More parts for longer names, because one shared part such as `react` or `components` says nothing.
 */
export const DISTANCE_2_MIN_LENGTH = 6;
/** Names this long are also searched three edits away (`rebact-eror-oveflay`): they keep eleven letters or more. */
export const DISTANCE_3_MIN_LENGTH = 14;
const PARTS_MAX_LENGTH = 32;

function cutInParts(length: number): [start: number, size: number][] {
  const count = length >= DISTANCE_3_MIN_LENGTH ? 5 : length >= 12 ? 4 : 3;
  const parts: [number, number][] = [];
  for (let part = 0, start = 0; part < count; part++) {
    const size = Math.floor((length - start) / (count - part));
    parts.push([start, size]);
    start += size;
  }
  return parts;
}

/** A part key: the part's text tagged with the length of the name it was cut from and its number. */
const partKey = (length: number, part: number, text: string): string => `|${length}|${part}|${text}`;

const PARTS = Array.from({ length: PARTS_MAX_LENGTH + 1 }, (_, length) => cutInParts(length));
const partsOf = (length: number): [number, number][] => PARTS[length]!;
/** The most edits searched for in a target this long. */
export const editsSearched = (length: number): number => (length >= DISTANCE_3_MIN_LENGTH ? 3 : 2);

/** The part keys a target is indexed under for the part search, when it has the length for it. */
export function partKeys(name: string): string[] {
  const bare = bareUndelimited(name);
  if (bare.length < DISTANCE_2_MIN_LENGTH || bare.length > PARTS_MAX_LENGTH) return [];
  return partsOf(bare.length).map(([start, size], part) => partKey(bare.length, part, bare.slice(start, start + size)));
}

/**
 * The probes of a candidate of one length, precomputed: the look-up loop only hashes slices. Each probe is
 * PROBE_FIELDS numbers: the hash of the part key's tag (`|length|part|`), where the slice starts in the
 * candidate and its size, the target length, the part number, and 1 when two edits can have moved the part
 * there (else only three can). For each target length within reach, each part sits at each offset the edits
 * allow: the first cannot move, the last ends where the name ends, a middle one moves by `shift` with
 * |shift| + |lengthDifference - shift| <= edits.
 */
export const PROBE_FIELDS = 6;
const PLANS: Uint32Array[] = [];

export function probePlan(candidateLength: number): Uint32Array {
  let plan = PLANS[candidateLength];
  if (plan) return plan;
  const probes: number[] = [];
  const from = Math.max(DISTANCE_2_MIN_LENGTH, candidateLength - 3);
  const to = Math.min(PARTS_MAX_LENGTH, candidateLength + 3);
  for (let length = from; length <= to; length++) {
    const edits = editsSearched(length);
    const difference = candidateLength - length;
    if (Math.abs(difference) > edits) continue;
    const parts = partsOf(length);
    const last = parts.length - 1;
    parts.forEach(([start, size], part) => {
      const lowest = part === 0 ? 0 : part === last ? difference : -edits;
      const highest = part === 0 ? 0 : part === last ? difference : edits;
      for (let shift = lowest; shift <= highest; shift++) {
        const cost = Math.abs(shift) + Math.abs(difference - shift);
        const at = start + shift;
        if (cost > edits || at < 0 || at + size > candidateLength) continue;
        probes.push(hash32(partKey(length, part, '')), at, size, length, part, cost <= 2 ? 1 : 0);
      }
    });
  }
  plan = Uint32Array.from(probes);
  PLANS[candidateLength] = plan;
  return plan;
}

/** The part keys a candidate probes, as strings (what the part table hashes from the plan). */
export function probeKeys(name: string): string[] {
  const bare = bareUndelimited(name);
  const plan = probePlan(bare.length);
  const keys: string[] = [];
  for (let probe = 0; probe < plan.length; probe += PROBE_FIELDS) {
    const at = plan[probe + 1]!;
    keys.push(partKey(plan[probe + 3]!, plan[probe + 4]!, bare.slice(at, at + plan[probe + 2]!)));
  }
  return keys;
}

/** How many distinct parts of a target this long must match for `edits` edits: those the edits cannot break. */
export const partsNeeded = (length: number, edits: number): number => partsOf(length).length - edits;
