import { isFetchedPackage } from '../tree/queries.js';
import { isMalicious, isOrdinaryBuild, scriptSignals } from '../npm/script-signals.js';
import { type ScriptSignal } from '../findings/model.js';
import { installScriptsOf } from '../npm/scripts.js';
import type { PackageNode } from '../tree/model.js';
import { defineRule, type RuleContext, type RuleFinding } from './types.js';
import type { ScriptEvidence, Severity } from '../findings/model.js';

/** Popular enough that an ordinary build step of theirs is routine. */
const WELL_KNOWN_DOWNLOADS = 1_000_000;

/**
 * Every package that runs code at install time (preinstall, install, postinstall, and the implicit
 * `node-gyp rebuild` npm adds for a binding.gyp), with the script text and what it does. Critical when the
 * script or a file it runs downloads and runs code, decodes hidden code, steals credentials, or is obfuscated;
 * low for an ordinary build step of a well-known package (or, offline, any script of one, whose text is
 * unknown); medium otherwise.
 */
export const installScript = defineRule({
  id: 'install-script',
  description: 'A package runs a script at install time; the script and the files it runs are shown and judged.',
  defaultSeverity: 'medium',
  messages: {
    'install-script': {
      message: (detail) => {
      const scripts = detail.scripts.map(({ name, text }) => (text === undefined ? `an ${name} script (its text is unknown offline)` : `${name}: ${text}`)).join('; ');
      const files = detail.files.map(({ path, signals }) => `${path}${signals.length ? ` (${signals.join(', ')})` : ''}`).join(', ');
      const does = detail.signals.length ? `; it ${detail.signals.join(', ')}` : '';
      return `runs at install: ${scripts}${files ? `; runs ${files}` : ''}${does}${detail.filesFault ? `; ${detail.filesFault}` : ''}`;
    },
      hint: () => 'read the script; install with --ignore-scripts, or allow the package (and version range) in the policy with a reason',
    },
  },
  check(context) {
    const findings: RuleFinding[] = [];
    for (const node of context.tree.nodes.values()) {
      if (context.tree.format !== 'names' && !isFetchedPackage(node)) continue;
      const evidence = evidenceOf(node, context);
      if (!evidence) continue;
      const files = evidence.files.map(({ path, text }) => ({ path, signals: scriptSignals(text) }));
      const signals = [...new Set([...evidence.scripts.flatMap(({ text }) => (text ? scriptSignals(text) : [])), ...files.flatMap((file) => file.signals)])];
      findings.push({
        node,
        severity: severityOf(node, evidence.scripts, signals, context),
        detail: { code: 'install-script', scripts: evidence.scripts, files, signals, filesFault: evidence.filesFault },
      });
    }
    return findings;
  },
});

interface Evidence {
  scripts: ScriptEvidence[];
  files: { path: string; text: string }[];
  filesFault: string | undefined;
}

/** The published manifest's scripts when the registry answered; else the installed package.json; else the lockfile flag. */
function evidenceOf(node: PackageNode, { facts }: RuleContext): Evidence | undefined {
  const answer = facts?.byLocation.get(node.location);
  if (answer?.ok) {
    const scripts = installScriptsOf(answer.facts.manifest.scripts).map(([name, text]) => ({ name, text }));
    if (scripts.length === 0) return undefined;
    return { scripts, files: [...answer.facts.files].map(([path, text]) => ({ path, text })), filesFault: answer.facts.filesFault };
  }
  if (node.scripts) {
    const scripts = installScriptsOf(node.scripts).map(([name, text]) => ({ name, text }));
    return scripts.length ? { scripts, files: [], filesFault: undefined } : undefined;
  }
  return node.hasInstallScript ? { scripts: [{ name: 'install', text: undefined }], files: [], filesFault: undefined } : undefined;
}

function severityOf(node: PackageNode, scripts: readonly ScriptEvidence[], signals: readonly ScriptSignal[], { names }: RuleContext): Severity {
  if (isMalicious(signals)) return 'critical';
  const wellKnown = (names.downloads(node.name) ?? 0) >= WELL_KNOWN_DOWNLOADS;
  if (!wellKnown) return 'medium';
  // A well-known package: low for an ordinary build step, and offline, where only the lockfile's flag is known,
  // its popularity is the evidence there is.
  const textUnknown = scripts.every((script) => script.text === undefined);
  const ordinary = scripts.every((script) => script.text !== undefined && isOrdinaryBuild(script.text)) && signals.length === 0;
  return ordinary || textUnknown ? 'low' : 'medium';
}
