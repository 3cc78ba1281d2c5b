import { declarer } from '../findings/wording.js';
import { classifySpec, specType } from '../npm/specs.js';
import { declarerOf, pointsOutside, sourceOf, type NodeSource } from '../tree/queries.js';
import type { FetchSource, FindingDetail } from '../findings/model.js';
import type { DependencyTree, Edge, PackageNode } from '../tree/model.js';
import { defineRule, type RuleFinding } from './types.js';

type DeclaredKind = 'registry' | 'remote' | 'git' | 'local';

/** The sources npm may legitimately fetch for each kind of spec; anything else is not what was asked for. */
const FITS: Record<DeclaredKind, ReadonlySet<NodeSource['type']>> = {
  registry: new Set(['tarball', 'registry', 'unrecorded']),
  remote: new Set(['tarball', 'registry', 'unrecorded']),
  git: new Set(['git', 'registry', 'unrecorded']),
  local: new Set(['file', 'directory', 'link', 'registry', 'unrecorded']),
};

/**
 * The rules about URL, git and local dependencies read what package.json asks for; npm fetches what the
 * lockfile (or node_modules) holds. A `"left-pad": "^1.3.0"` whose entry resolves to a git repository, a
 * tarball file, a folder or a symlink installs code the registry never saw: lockfile tampering. A registry
 * range resolved to a workspace is npm linking its own workspace, and fine. Unparsable `resolved` values are
 * resolved-mismatch's; invalid specs invalid-spec's.
 */
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

export const specResolutionMismatch = defineRule({
  id: 'spec-resolution-mismatch',
  description: 'What npm will fetch for a package (git, a file, a folder, a link, another package) is not what its dependents asked for.',
  defaultSeverity: 'critical',
  messages: {
    'spec-resolution-mismatch': {
      message: (detail) =>
        `${detail.declaredBy.asked ? 'asked for' : `${declarer(detail.declaredBy)} asks for`} "${detail.spec}" (${SPEC_KIND_TEXT[detail.specKind]}), but ${sourceText(detail.source, detail.resolved)}${detail.outsideProject ? ', outside the project' : ''}`,
      hint: (detail) =>
        detail.specKind === 'registry'
          ? 'do not install: restore the lockfile from a trusted revision, or declare the source you really want in package.json'
          : 'do not install: regenerate the lockfile (npm install) and check that it fetches what package.json declares',
    },
    'other-package': {
      message: (detail) =>
        `${detail.declaredBy.asked ? 'asked for' : `${declarer(detail.declaredBy)} asks for`} "${detail.name}@${detail.spec}", but the lockfile installs another package in its place: "${detail.installs}${detail.version === undefined ? '' : `@${detail.version}`}"`,
      hint: () => 'do not install: restore the lockfile from a trusted revision; if you meant another package, declare it as an alias (npm:<name>@<range>)',
    },
  },
  check({ tree }) {
    const findings: RuleFinding[] = [];
    for (const node of tree.nodes.values()) {
      if (!isInstalled(node)) continue;
      const swapped = otherPackage(tree, node);
      if (swapped) {
        findings.push({ node, detail: swapped, severity: 'critical' });
        continue;
      }
      const source = sourceOf(tree, node);
      if (source.type === 'invalid' || source.type === 'unrecorded') continue;
      for (const edge of node.edgesIn) {
        if (edge.type === 'workspace') continue;
        const spec = specOf(tree, edge);
        const kind = specType(edge.name, spec);
        if (kind === 'invalid' || FITS[kind].has(source.type)) continue;
        const fetched = fetchedFrom(source);
        findings.push({
          node,
          detail: {
            code: 'spec-resolution-mismatch',
            spec,
            specKind: kind,
            declaredBy: declarerOf(edge.from),
            source: source.type as FetchSource,
            resolved: fetched,
            outsideProject: (source.type === 'link' || source.type === 'directory' || source.type === 'file') && pointsOutside('', fetched),
          },
          severity: kind === 'registry' ? 'critical' : 'high',
        });
        break;
      }
    }
    return findings;
  },
});

/** The spec npm installs an edge by: its declarer's, or what the root's `overrides` put in its place. */
const specOf = (tree: DependencyTree, edge: Edge): string => tree.overriddenSpecs?.get(edge) ?? edge.spec;

/**
 * A registry dependency whose entry installs a package of another name: `"dw-core": "^2.0.0"` with an entry that
 * says `"name": "evil-pkg"` (npm's v2/v3 lockfiles), `"version": "npm:evil-pkg@…"` (v1), or the like in another
 * manager's lockfile. npm installs it, as an alias nobody declared: the code that runs under the name asked for is
 * another package's. An alias asks for its real package by name (`npm:evil-pkg@2`), and is judged by that name.
 */
function otherPackage(tree: DependencyTree, node: PackageNode): Extract<FindingDetail, { code: 'other-package' }> | undefined {
  if (node.isLink || node.name === node.installName) return undefined;
  for (const edge of node.edgesIn) {
    if (edge.type === 'workspace') continue;
    const spec = specOf(tree, edge);
    const kind = classifySpec(edge.name, spec);
    if (kind.type !== 'registry' || kind.realName === node.name) continue;
    return { code: 'other-package', name: edge.name, spec, declaredBy: declarerOf(edge.from), installs: node.name, version: node.version };
  }
  return undefined;
}

/** Installed into a node_modules folder by npm: not the project, its workspaces, or what links point at. */
function isInstalled(node: PackageNode): boolean {
  if (node.isRoot || node.isWorkspace || node.isLinkTarget || node.inBundle) return false;
  if (node.isLink && node.target?.isWorkspace) return false;
  return node.location.includes('node_modules/');
}

function fetchedFrom(source: Exclude<NodeSource, { type: 'invalid' | 'unrecorded' }>): string {
  switch (source.type) {
    case 'tarball':
    case 'git':
      return source.url;
    case 'file':
    case 'directory':
      return source.path;
    case 'link':
      return source.target;
    case 'registry':
      return 'the registry';
  }
}
