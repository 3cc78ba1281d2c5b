import { isFetchedPackage } from '../tree/queries.js';
import { installScriptsOf } from '../npm/scripts.js';
import { analyzeInstallScripts, type ScriptAnalysis } from '../scripts/analyze.js';
import { judgeSignals, lowered } from '../scripts/judge.js';
import { isReleaseHost } from '../scripts/vocabulary.js';
import type { RegistrySettings } from '../npm/registries.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleContext, type RuleFinding } from './types.js';
import type { ScriptEvidence, ScriptSignal, ScriptSignalKind, Severity } from '../findings/model.js';

/** Popular enough that popularity may lower a judgement by one step (never a critical). */
const WELL_KNOWN_DOWNLOADS = 1_000_000;

/**
 * Every package that runs code at install time (preinstall, install, postinstall, and the implicit
 * `node-gyp rebuild` npm adds for a binding.gyp), with the script text, the files it runs and what they do, each
 * signal with its file and line (src/scripts). Severity from the combination of signals (src/scripts/judge.ts);
 * with no signal, low for an ordinary build step or a well-known package, medium otherwise. A well-known package
 * is judged by its content too, one step lower, and a critical stays critical: a compromised popular package is
 * the case that matters most.
 */
export const installScript = defineRule({
  id: 'install-script',
  description: 'A package runs a script at install time; the script and the files it runs are read as code and judged.',
  defaultSeverity: 'medium',
  messages: {
    'install-script': {
      message: (detail) => {
        const scripts = detail.scripts
          .map(({ name, text }) =>
            text === undefined ? `${/^[aeiou]/.test(name) ? 'an' : 'a'} ${name} script (its text is unknown offline)` : `${name}: ${text}`,
          )
          .join('; ');
        const files = detail.files.map(({ path }) => path).join(', ');
        const kinds = SIGNAL_ORDER.filter((kind) => detail.signals.some((signal) => signal.kind === kind));
        const does = kinds.length ? `; it ${kinds.map((kind) => SIGNAL_TEXT[kind]).join(', ')}` : '';
        return `runs at install: ${scripts}${files ? `; reads ${files}` : ''}${does}${detail.filesFault ? `; ${detail.filesFault}` : ''}`;
      },
      // Evidence lines exist only when a signal was found: the hint points at them only then.
      hint: (detail) =>
        `${detail.signals.length > 0 ? 'read the evidence lines; ' : ''}install with --ignore-scripts, or allow the package (and version range) in the policy with a reason`,
      evidence: (detail) =>
        orderedSignals(detail.signals).map((signal) => ({
          file: signal.file,
          line: signal.line,
          text: `${SIGNAL_TEXT[signal.kind]}${signal.host ? ` (${signal.host})` : ''}: ${signal.excerpt}`,
        })),
    },
  },
  check(context) {
    const findings: RuleFinding[] = [];
    const trusted = trustedHosts(context.registries);
    for (const node of context.tree.nodes.values()) {
      if (context.tree.format !== 'names' && !isFetchedPackage(node)) continue;
      const evidence = evidenceOf(node, context);
      if (!evidence) continue;
      const { analysis } = evidence;
      const filesFault =
        [evidence.filesFault, analysis?.unread.length ? `not read: ${analysis.unread.join(', ')}` : undefined].filter(Boolean).join('; ') || undefined;
      findings.push({
        node,
        severity: severityOf(node, evidence, trusted, context),
        detail: {
          code: 'install-script',
          scripts: evidence.scripts,
          files: analysis?.files ?? [],
          signals: orderedSignals(analysis?.signals ?? []),
          filesFault,
        },
      });
    }
    return findings;
  },
});

interface Evidence {
  scripts: ScriptEvidence[];
  analysis: ScriptAnalysis | undefined;
  filesFault: string | undefined;
}

/** The published manifest's scripts when the registry answered; else the installed package.json; else the lockfile flag. */
function evidenceOf(node: PackageNode, { facts }: RuleContext): Evidence | undefined {
  const answer = facts?.byLocation.get(node.location);
  if (answer?.ok) {
    const scripts = installScriptsOf(answer.facts.manifest.scripts);
    if (scripts.length === 0) return undefined;
    // Facts cached by an older depwarden may lack the analysis: the scripts alone are still read.
    const analysis = answer.facts.installAnalysis ?? analyzeInstallScripts(scripts, () => undefined);
    return { scripts: scripts.map(([name, text]) => ({ name, text })), analysis, filesFault: answer.facts.filesFault };
  }
  if (node.scripts) {
    const scripts = installScriptsOf(node.scripts);
    if (scripts.length === 0) return undefined;
    return { scripts: scripts.map(([name, text]) => ({ name, text })), analysis: analyzeInstallScripts(scripts, () => undefined), filesFault: undefined };
  }
  return node.hasInstallScript ? { scripts: [{ name: 'install', text: undefined }], analysis: undefined, filesFault: undefined } : undefined;
}

function severityOf(node: PackageNode, evidence: Evidence, trusted: (host: string) => boolean, { names }: RuleContext): Severity {
  const wellKnown = (names.downloads(node.name) ?? 0) >= WELL_KNOWN_DOWNLOADS;
  const judged = judgeSignals(evidence.analysis?.signals ?? [], trusted);
  if (judged !== undefined) {
    return wellKnown ? lowered(judged) : judged;
  }
  // No signal: low for a well-known package (offline, where only the lockfile's flag is known, its popularity is the
  // evidence there is); medium otherwise, since even `node-gyp rebuild` runs whatever its binding.gyp says.
  return wellKnown ? 'low' : 'medium';
}

/** The registries npm is configured with, the policy's allowed hosts, and the known release hosts. */
export function trustedHosts(registries: RegistrySettings): (host: string) => boolean {
  const hosts = new Set<string>(registries.allowedHosts.map((host) => host.toLowerCase().replace(/:\d+$/, '')));
  for (const url of [registries.registry, registries.publicRegistry, ...registries.scopes.values()]) {
    try {
      hosts.add(new URL(url).hostname.toLowerCase());
    } catch {
      // An unparsable registry URL trusts no host.
    }
  }
  return (host) => hosts.has(host.replace(/:\d+$/, '')) || isReleaseHost(host);
}

/** Script signals, gravest first: the order of the message, the evidence lines and `details.signals`. */
const SIGNAL_ORDER: readonly ScriptSignalKind[] = [
  'exfiltrates',
  'decode-then-execute',
  'reverse-shell',
  'ai-cli-bypass',
  'writes-workflow',
  'secret-scanner',
  'download-and-execute',
  'downloads-runtime',
  'loads-native-library',
  'reads-cloud-metadata',
  'sends-machine-details',
  'reads-credentials',
  'dynamic-code',
  'obfuscated',
  'large-bundle',
  'writes-other-package',
  'spawns-process',
  'network',
  'unparsable',
  'runs-command',
];

export const SIGNAL_TEXT: Record<ScriptSignalKind, string> = {
  exfiltrates: 'sends credentials or the environment over the network',
  'sends-machine-details': 'sends machine details (user, host name, home folder) over the network',
  'decode-then-execute': 'decodes data and runs it',
  'download-and-execute': 'downloads code or a binary and runs it',
  'downloads-runtime': 'downloads another JavaScript runtime',
  'reverse-shell': 'connects a socket to a shell',
  'ai-cli-bypass': 'runs an AI coding CLI with its permission checks disabled',
  'secret-scanner': 'runs a secret scanner',
  'loads-native-library': 'runs a DLL loader or script host (rundll32, regsvr32, mshta)',
  'writes-workflow': 'writes a GitHub Actions workflow',
  'writes-other-package': 'writes into other packages',
  'reads-credentials': 'reads credentials, tokens or the whole environment',
  'reads-cloud-metadata': 'reads the cloud metadata service',
  'dynamic-code': 'runs computed code (eval, Function, vm)',
  'spawns-process': 'starts a process whose command is computed',
  'runs-command': 'runs commands',
  network: 'contacts the network',
  obfuscated: 'holds obfuscated code',
  'large-bundle': 'runs a file of more than a megabyte',
  unparsable: 'holds code that does not parse',
};

/** Signals gravest first, then by file and line. */
export function orderedSignals(signals: readonly ScriptSignal[]): ScriptSignal[] {
  return [...signals].sort((a, b) => SIGNAL_ORDER.indexOf(a.kind) - SIGNAL_ORDER.indexOf(b.kind) || a.file.localeCompare(b.file) || a.line - b.line);
}
