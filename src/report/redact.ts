/** Every report's first step: credentials in the findings' URLs and specs become `***`, in every format. */
import type { Finding } from '../findings/model.js';
import { redactCredentials } from '../text/escape.js';
import type { ReportInput } from './types.js';

export function redactReport(input: ReportInput): ReportInput {
  const originals = new Map<Finding, Finding>();
  const redacted = new Map<Finding, Finding>();
  const redact = (finding: Finding): Finding => {
    let copy = redacted.get(finding);
    if (!copy) {
      copy = redactStrings(finding);
      redacted.set(finding, copy);
      originals.set(copy, finding);
    }
    return copy;
  };
  const { changeLocation, source } = input;
  return {
    ...input,
    // A spec asked for may carry a token (`x@https://user:token@host/x.tgz`) as much as a finding does. Its key is a
    // finding's location, redacted alike: a bare spec's location holds the spec.
    source:
      source.asked === undefined
        ? source
        : { ...source, asked: new Map([...source.asked].map(([location, asked]) => [redactCredentials(location), redactStrings(asked)])) },
    result: { ...input.result, findings: input.result.findings.map(redact) },
    failing: input.failing.map(redact),
    notices: input.notices?.map(redactStrings),
    // Locations are keyed by the finding as the analysis made it.
    changeLocation: changeLocation && ((finding) => changeLocation(originals.get(finding) ?? finding)),
  };
}

function redactStrings<T>(value: T): T {
  if (typeof value === 'string') return redactCredentials(value) as T;
  if (Array.isArray(value)) return value.map(redactStrings) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item)])) as T;
  }
  return value;
}
