import type { ScriptSignal, ScriptSignalKind, Severity } from '../findings/model.js';

/**
 * Severity from combinations of signals, as an analyst would weigh them: a secret reaching the network, decoded
 * data reaching exec or eval, a shell on a socket, an AI agent let loose, a workflow planted: critical. Code or a
 * runtime fetched from a host that is neither the registry nor a known release host and run: high. A process,
 * dynamic code, an unknown host, a credential read on their own: medium. Fetching a platform binary from the
 * registry or a release host, literal build commands: low. `trusted` says whether a host is the registry or a
 * known release host.
 */
export function judgeSignals(signals: readonly ScriptSignal[], trusted: (host: string) => boolean): Severity | undefined {
  if (signals.length === 0) return undefined;
  const kinds = new Set<ScriptSignalKind>(signals.map((signal) => signal.kind));
  const untrusted = (signal: ScriptSignal) => signal.host === undefined || !trusted(signal.host);
  const any = (kind: ScriptSignalKind, filter: (signal: ScriptSignal) => boolean = () => true) =>
    signals.some((signal) => signal.kind === kind && filter(signal));
  const untrustedNetwork = any('network', untrusted);

  if (
    kinds.has('exfiltrates') ||
    kinds.has('decode-then-execute') ||
    kinds.has('reverse-shell') ||
    kinds.has('ai-cli-bypass') ||
    kinds.has('writes-workflow') ||
    (kinds.has('secret-scanner') && (untrustedNetwork || kinds.has('reads-credentials'))) ||
    (kinds.has('reads-cloud-metadata') && kinds.has('network'))
  ) {
    return 'critical';
  }
  if (
    any('download-and-execute', untrusted) ||
    any('downloads-runtime') ||
    kinds.has('loads-native-library') ||
    kinds.has('secret-scanner') ||
    kinds.has('reads-cloud-metadata') ||
    any('sends-machine-details', untrusted) ||
    (kinds.has('reads-credentials') && untrustedNetwork) ||
    (kinds.has('obfuscated') && (untrustedNetwork || kinds.has('spawns-process') || kinds.has('dynamic-code'))) ||
    (kinds.has('dynamic-code') && (untrustedNetwork || kinds.has('obfuscated'))) ||
    (kinds.has('writes-other-package') && (kinds.has('obfuscated') || kinds.has('dynamic-code') || untrustedNetwork)) ||
    (kinds.has('large-bundle') && (kinds.has('obfuscated') || kinds.has('spawns-process')) && untrustedNetwork)
  ) {
    return 'high';
  }
  if (
    kinds.has('spawns-process') ||
    kinds.has('dynamic-code') ||
    untrustedNetwork ||
    kinds.has('reads-credentials') ||
    kinds.has('obfuscated') ||
    kinds.has('writes-other-package') ||
    kinds.has('large-bundle') ||
    kinds.has('unparsable') ||
    any('sends-machine-details')
  ) {
    return 'medium';
  }
  return 'low';
}

/** One step lower, for well-known packages; a critical stays critical. */
export function lowered(severity: Severity): Severity {
  switch (severity) {
    case 'high':
      return 'medium';
    case 'medium':
      return 'low';
    default:
      return severity;
  }
}
