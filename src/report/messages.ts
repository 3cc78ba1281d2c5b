import type { Finding } from '../findings/model.js';
import type { NearMissFamily } from '../findings/model.js';
import type { Declarer, FetchSource, FindingDetail, GitPin } from '../findings/model.js';

/** The one place a finding's typed facts become a sentence. Unescaped: each renderer escapes for its medium. */
export function formatMessage(detail: FindingDetail): string {
  switch (detail.code) {
    case 'url-dependency':
      return `${declarer(detail.declaredBy)} declares it as a URL tarball, ${detail.url}: code the registry never saw, fetched at install time`;
    case 'insecure-protocol':
      return `fetched over plain ${detail.protocol}: (${detail.url}), so anyone on the network path can replace it`;
    case 'git-dependency':
      return `${declarer(detail.declaredBy)} declares it from git as "${detail.spec}"; ${pinText(detail.pin, detail.resolved)}`;
    case 'local-dependency':
      return detail.outsideProject
        ? `${declarer(detail.declaredBy)} declares a local path outside the project: "${detail.spec}"`
        : `${declarer(detail.declaredBy)} declares a local path, "${detail.spec}", that points into whatever machine installs it`;
    case 'alias-dependency':
      return `installed as "${detail.installedAs}" but is really "${detail.realName}"${detail.spec ? ` (${detail.spec})` : ''}`;
    case 'foreign-registry':
      return `resolved from ${detail.host}, not from the configured registry ${detail.expected} or an allowed host`;
    case 'missing-integrity':
      return detail.unparsable !== undefined
        ? `its integrity "${detail.unparsable}" does not parse, so nothing pins the content of ${detail.resolved ?? 'its tarball'}`
        : `no integrity hash, so nothing pins the content of ${detail.resolved ?? 'its registry tarball'}`;
    case 'weak-integrity':
      return `pinned only by ${detail.algorithms.join(' and ')}, which can be forged`;
    case 'resolved-mismatch':
      return `the lockfile entry's tarball URL fetches ${detail.urlName}${detail.urlVersion ? `@${detail.urlVersion}` : ''} instead: ${detail.resolved}`;
    case 'unparsable-resolved':
      return `its resolved "${detail.resolved}" does not parse as a URL, so what npm would fetch is unknown`;
    case 'spec-resolution-mismatch':
      return `${declarer(detail.declaredBy)} asks for "${detail.spec}" (${SPEC_KIND_TEXT[detail.specKind]}), but ${sourceText(detail.source, detail.resolved)}${detail.outsideProject ? ', outside the project' : ''}`;
    case 'invalid-spec':
      return `${declarer(detail.declaredBy)} declares "${detail.name}": "${detail.spec}", a spec npm cannot parse, so what it fetches cannot be judged`;
    case 'unreadable-package':
      return `installed, but ${detail.problem}: what it is, what it runs and what it depends on cannot be checked`;
    case 'near-miss-name': {
      const own = detail.downloads === undefined ? `fewer than ${compact(detail.popularMin)}` : compact(detail.downloads);
      return `looks like "${detail.target}" (${compact(detail.targetDownloads)} downloads/month) with ${FAMILY_TEXT[detail.family]}; this name has ${own} downloads/month`;
    }
    case 'unregistered-name':
      return detail.source === 'registry'
        ? `${declarer(detail.declaredBy)} depends on a name the registry does not have (404): anyone can register it (a hallucinated or removed name)`
        : `${declarer(detail.declaredBy)} depends on a name the public registry did not know on ${detail.countsDate}: anyone can register it (a hallucinated or removed name), unless it is private or newer`;
    case 'install-script': {
      const scripts = detail.scripts.map(({ name, text }) => (text === undefined ? `an ${name} script (its text is unknown offline)` : `${name}: ${text}`)).join('; ');
      const files = detail.files.map(({ path, signals }) => `${path}${signals.length ? ` (${signals.join(', ')})` : ''}`).join(', ');
      const does = detail.signals.length ? `; it ${detail.signals.join(', ')}` : '';
      return `runs at install: ${scripts}${files ? `; runs ${files}` : ''}${does}${detail.filesFault ? `; ${detail.filesFault}` : ''}`;
    }
    case 'unverified':
      return `not checked against the registry: ${detail.cause}`;
    case 'undeclared-import':
      return `${detail.file}:${detail.line} ${detail.typeOnly ? 'imports types from' : 'imports'} it, but no package.json that applies declares it`;
    case 'manifest-dynamic-dependency':
      return `its published ${detail.version} manifest declares ${detail.dependencies.map(({ name, spec }) => `"${name}": "${spec}"`).join(', ')}, fetched from outside the registry at install`;
    case 'fresh-release':
      return `version ${detail.version} was published ${detail.hours} hours ago (${detail.published}), within the ${detail.limitHours}-hour cool-down`;
    case 'new-package':
      return `the package's first release is ${detail.days} days old (${detail.firstPublished}): it has no history yet`;
    case 'version-drift': {
      const changes = [
        detail.addedScripts.length ? `adds install scripts (${detail.addedScripts.join(', ')})` : '',
        detail.addedDynamic.length ? `adds URL/git dependencies (${detail.addedDynamic.join(', ')})` : '',
        detail.addedDependencies.length ? `adds dependencies (${detail.addedDependencies.join(', ')})` : '',
        detail.addedBins.length ? `adds commands (${detail.addedBins.join(', ')})` : '',
        detail.droppedRepository ? 'drops its repository link' : '',
      ].filter(Boolean);
      return `${detail.version}, compared with ${detail.previous}, ${changes.join(', ')}`;
    }
  }
}

const FAMILY_TEXT: Record<NearMissFamily, string> = {
  transposition: 'two letters swapped',
  'keyboard-slip': 'a neighbouring key pressed',
  substitution: 'one letter changed',
  confusable: 'look-alike characters',
  insertion: 'one letter added',
  'repeated-character': 'a letter repeated',
  deletion: 'one letter dropped',
  delimiter: 'its separators changed',
  'word-order': 'its words reordered',
  affix: 'a prefix or suffix added',
  'version-suffix': 'a version number appended',
  scope: 'another scope',
  'plugin-shorthand': "a plugin's name shortened",
  scrambled: 'its letters scrambled',
  'edit-distance-2': 'two letters changed',
  'edit-distance-3': 'three letters changed across its words',
};

// Created on first use: building a number format costs milliseconds at start-up, and most reports need none.
let compactFormat: Intl.NumberFormat | undefined;
const compact = (count: number): string =>
  (compactFormat ??= new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })).format(count);

/** What to do about it, in one line. */
export function formatHint(detail: FindingDetail): string {
  switch (detail.code) {
    case 'url-dependency':
      return 'replace it with a registry version, or allow it in the policy with a reason after reading the tarball';
    case 'insecure-protocol':
      return 'use https: (git+https: or git+ssh: for git)';
    case 'git-dependency':
      return detail.pin.kind === 'commit' ? 'prefer a registry release' : 'pin the spec to a full commit hash, or use a registry release';
    case 'local-dependency':
      return 'vendor the package inside the project or publish it';
    case 'alias-dependency':
      return 'depend on the real name, or allow the alias in the policy';
    case 'foreign-registry':
      return 'reinstall from the configured registry, or add the host to allowedHosts';
    case 'missing-integrity':
    case 'weak-integrity':
      return 'regenerate the lockfile with a current npm (npm install) so it records sha512';
    case 'spec-resolution-mismatch':
      return detail.specKind === 'registry'
        ? 'do not install: restore the lockfile from a trusted revision, or declare the source you really want in package.json'
        : 'do not install: regenerate the lockfile (npm install) and check that it fetches what package.json declares';
    case 'unreadable-package':
      return 'remove node_modules and install again (npm ci), then check again';
    case 'invalid-spec':
      return 'fix the spec, or remove the package that declares it';
    case 'resolved-mismatch':
    case 'unparsable-resolved':
      return 'do not install: restore the lockfile from a trusted revision and regenerate it';
    case 'near-miss-name':
      return `if you meant "${detail.target}", depend on that; if this is the package you want, allow it in the policy with a reason`;
    case 'unregistered-name':
      return 'check the spelling and where the name came from; give private packages a scope; allow it in the policy if it is yours';
    case 'install-script':
      return 'read the script; install with --ignore-scripts, or allow the package (and version range) in the policy with a reason';
    case 'unverified':
      return 'run again when the registry answers, or review the package by hand';
    case 'undeclared-import':
      return 'add it to package.json if it is the package you meant; if the name was invented, remove the import';
    case 'manifest-dynamic-dependency':
      return 'do not install it unless you have read what those URLs serve';
    case 'fresh-release':
    case 'new-package':
      return 'wait, or pin the previous version, until the release has been looked at';
    case 'version-drift':
      return 'compare the two releases before upgrading; pin the previous version if the change is unexplained';
  }
}

export function packageLabel(finding: Finding): string {
  const { name, version, alias } = finding.package;
  const label = version ? `${name}@${version}` : name;
  return alias ? `${alias} (${label})` : label;
}

const SPEC_KIND_TEXT: Record<'registry' | 'remote' | 'git' | 'local', string> = {
  registry: 'a registry version',
  remote: 'a URL tarball',
  git: 'a git repository',
  local: 'a local path',
};

function sourceText(source: FetchSource, resolved: string): string {
  switch (source) {
    case 'tarball':
      return `npm fetches the tarball ${resolved}`;
    case 'git':
      return `npm fetches a git repository: ${resolved}`;
    case 'file':
      return `npm installs a tarball file: ${resolved}`;
    case 'directory':
      return `npm installs a folder (and runs its prepare script): ${resolved}`;
    case 'link':
      return `it is a symlink to the folder ${resolved}`;
    case 'registry':
      return 'npm fetches it from the registry by name';
  }
}

function declarer(by: Declarer): string {
  if (by.isProject) return by.name ? `the project's ${by.name}` : 'the project';
  return by.version ? `${by.name}@${by.version}` : by.name;
}

function pinText(pin: GitPin, resolved: string | undefined): string {
  const locked = resolved?.match(/#([0-9a-f]{40})$/i)?.[1];
  const lockedText = locked ? `; the lockfile holds commit ${locked.slice(0, 12)}` : '';
  switch (pin.kind) {
    case 'commit':
      return `pinned to commit ${pin.ref.slice(0, 12)}`;
    case 'semver':
      return `not pinned: follows tags matching semver:${pin.ref}${lockedText}`;
    case 'ref':
      return `not pinned: follows "${pin.ref}", a branch or tag that can move${lockedText}`;
    case 'none':
      return `not pinned: follows the default branch${lockedText}`;
  }
}
