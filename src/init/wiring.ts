import type { Finding } from '../findings/model.js';
import { escapeJsonText } from '../text/escape.js';

/** One change `depwarden init` makes, or would have made but found already done. */
export interface InitChange {
  readonly file: string;
  readonly text: string | undefined;
  readonly summary: string;
}

export interface PendingScript {
  readonly package: string;
  readonly version: string | undefined;
  readonly rule: 'install-script';
  readonly script: string;
}

/** The install scripts the tree needs, as policy entries waiting for a person's review. */
export function pendingScripts(findings: readonly Finding[]): PendingScript[] {
  return findings
    .filter((finding) => finding.detail.code === 'install-script')
    .map((finding) => {
      const detail = finding.detail as Extract<Finding['detail'], { code: 'install-script' }>;
      const script = detail.scripts.map(({ name, text }) => `${name}: ${text ?? '(text unknown offline)'}`).join('; ');
      return { package: finding.package.name, version: finding.package.version, rule: 'install-script', script };
    });
}

/** How the registry look-ups of a check went (RegistrySummary's counts). */
export interface LookupCounts {
  readonly asked: number;
  readonly answered: number;
  readonly notCached: number;
  readonly offline: boolean;
}

/**
 * Why the install scripts of the tree could not all be read (some packages' manifests were not), in one line; undefined
 * when every package was read. init must not claim "no install scripts" from a registry that did not answer.
 */
export function scriptsUnreadBecause(findings: readonly Finding[], lookups: LookupCounts): string | undefined {
  if (lookups.answered >= lookups.asked) return undefined;
  const causes = [...new Set(findings.flatMap((finding) => (finding.detail.code === 'unverified' ? [finding.detail.cause.replace(/\s+/g, ' ')] : [])))];
  if (causes.length > 0) return causes.join('; ');
  const missing = lookups.asked - lookups.answered;
  return lookups.offline && lookups.notCached > 0
    ? `${lookups.notCached} of ${lookups.asked} packages are not in npm's cache (--offline)`
    : `${missing} of ${lookups.asked} packages were not read from the registry`;
}

type Json = Record<string, unknown>;

/**
 * Adds the pending scripts to the policy object, keeping everything the user wrote; entries already allowed or
 * already pending are left alone. Returns the new object and how many were added.
 */
export function withPendingReview(policy: Json, pending: readonly PendingScript[]): { policy: Json; added: number } {
  const known = new Set(
    [...asArray(policy.allow), ...asArray(policy.pendingReview)].map((entry) => `${String((entry as Json).package)} ${String((entry as Json).rule)}`),
  );
  const fresh = pending.filter((entry) => !known.has(`${entry.package} ${entry.rule}`));
  if (fresh.length === 0) return { policy, added: 0 };
  const note = 'Review each script, then move its entry to "allow" with a "reason"; entries here allow nothing.';
  return {
    policy: { ...policy, pendingReview: [...asArray(policy.pendingReview), ...fresh.map((entry) => ({ ...entry, note }))] },
    added: fresh.length,
  };
}

/** `.npmrc` with `ignore-scripts=true`, unless the user already set ignore-scripts either way. */
export function withIgnoreScripts(npmrc: string | undefined): { text: string; changed: boolean; current: string | undefined } {
  const current = /^\s*ignore-scripts\s*=\s*(\S+)/m.exec(npmrc ?? '')?.[1];
  if (current !== undefined) return { text: npmrc!, changed: false, current };
  const base = npmrc ?? '';
  return { text: `${base}${base && !base.endsWith('\n') ? '\n' : ''}ignore-scripts=true\n`, changed: true, current: undefined };
}

/**
 * What `ignore-scripts=true` changes, measured with npm 11.19.1: a plain `npm install` runs no lifecycle script at
 * all, the project's own (preinstall, install, postinstall, prepare) included, and `npm run <x>`, `npm test` and
 * `npm start` run <x> but skip its pre<x> and post<x> scripts. `depwarden install` / `ci` run the project's own
 * lifecycle scripts themselves, in npm's order.
 */
export const IGNORE_SCRIPTS_EFFECT =
  "with ignore-scripts=true a plain `npm install` runs no lifecycle scripts, the project's own included, and `npm run <x>` skips pre<x>/post<x>; `npm run deps:install` runs the project's own lifecycle scripts";

/** npm scripts put node_modules/.bin first on PATH: these run the project's own pinned depwarden. */
export const GATE_SCRIPTS: Readonly<Record<string, string>> = {
  'deps:install': 'depwarden install',
  'deps:ci': 'depwarden ci',
  'deps:check': 'depwarden check',
};

/** The root preinstall hook: useful only where npm runs the project's scripts on a plain install (ignore-scripts off). */
export const HOOK_SCRIPT = { preinstall: 'depwarden check --hook' } as const;

/**
 * package.json with the gate's scripts added where the names are free; the user's scripts are never replaced.
 * `hook`: add the preinstall hook too.
 */
export function withGateScripts(manifest: Json, hook = false): { manifest: Json; added: string[] } {
  const scripts = { ...((manifest.scripts as Json | undefined) ?? {}) };
  const added = Object.entries({ ...GATE_SCRIPTS, ...(hook ? HOOK_SCRIPT : {}) })
    .filter(([name]) => !(name in scripts))
    .map(([name, command]) => {
      scripts[name] = command;
      return name;
    });
  return { manifest: added.length ? { ...manifest, scripts } : manifest, added };
}

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;

/**
 * package.json with depwarden itself in devDependencies, pinned to the version that runs: the scripts and the CI job
 * then run this copy, locked with its integrity, never whatever a bare `npx depwarden` would fetch. A project that
 * already declares depwarden keeps its own spec.
 */
/** Whether package.json already declares depwarden (any dependency field): init never adds it itself. */
export function declaresSelf(manifest: Json): boolean {
  return DEPENDENCY_FIELDS.some(
    (field) => typeof manifest[field] === 'object' && manifest[field] !== null && Object.hasOwn(manifest[field] as Json, 'depwarden'),
  );
}

/**
 * How to add depwarden when it is not declared. Never by name from a registry: it is not published, so whoever owns
 * the name `depwarden` there would be pinned and run by the CI job init prints (README, Install).
 */
export const addSelfAdvice = (version: string): string =>
  `depwarden is not a devDependency: add it from a tarball you built (\`npm pack\` in a clone of depwarden), never by name from a registry, where anyone could own the name: \`npm install --save-dev --save-exact <path>/depwarden-${version}.tgz\``;

/**
 * Serializes JSON the way the file was written: its indentation, and a final newline. Install scripts land in it
 * (pendingReview), and it is the file a person reads to review them: DEL, C1 controls, bidi overrides and line
 * separators are written as \uNNNN escapes (JSON.stringify escapes C0 itself), so the text reads back the same.
 */
export function formatLike(original: string | undefined, value: unknown): string {
  const indent = /^[ \t]+(?=")/m.exec(original ?? '')?.[0] ?? '  ';
  return `${escapeJsonText(JSON.stringify(value, null, indent))}\n`;
}

export const CI_SNIPPET = `# .github/workflows/dependencies.yml
name: dependencies
on: [push, pull_request]
permissions: { contents: read, security-events: write }
jobs:
  depwarden:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with: { node-version: 22 }
      # The lockfile's own depwarden (pinned, integrity-checked); nothing runs: no install scripts at all.
      - run: npm ci --ignore-scripts
      # Judges the locked tree, refuses on findings; else reinstalls running only the scripts the policy allows.
      - run: npx --no-install depwarden ci
      # The findings as code-scanning alerts, on the lines of package-lock.json.
      - run: npx --no-install depwarden check --format sarif --fail-on critical > depwarden.sarif
        if: always()
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with: { sarif_file: depwarden.sarif }
`;

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
