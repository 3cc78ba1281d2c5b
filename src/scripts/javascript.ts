/**
 * Install-time JavaScript read as code: Babel's parser (never executed), module bindings (`require`, `import`,
 * TypeScript's `__importStar` helpers), and a coarse taint pass over variable names (flow-insensitive, not
 * scope-precise: a name tainted anywhere is tainted everywhere, which errs towards reporting). Sources are
 * secrets, the whole environment, machine details, decoded data and network responses; sinks are exec, eval and
 * the network.
 */
import { babelParser } from '../cjs.js';
import type { ScriptSignalKind } from '../findings/model.js';
import { excerptAt, joinPath, type SignalSet } from './evidence.js';
import { analyzeShell, type ScriptReference } from './shell.js';
import { AI_BYPASS_FLAG, CLOUD_METADATA, NATIVE_LOADER, RUNTIME_HOSTS, RUNTIME_URL, SECRET_ENV, SECRET_PATH, SECRET_SCANNER, hostOf } from './vocabulary.js';

/** Babel's nodes, read loosely: the analysis only looks at a few fields and checks each. */
interface Node {
  type: string;
  loc?: { start: { line: number; column: number } } | null;
  [key: string]: unknown;
}

type Taint = 'secret' | 'env' | 'machine' | 'decoded' | 'encoded' | 'remote' | 'netobj';

const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && typeof (value as Node).type === 'string';
const child = (node: Node, key: string): Node | undefined => (isNode(node[key]) ? (node[key] as Node) : undefined);
const children = (node: Node, key: string): Node[] => (Array.isArray(node[key]) ? (node[key] as unknown[]).filter(isNode) : []);

function walk(node: Node, visit: (node: Node, parent: Node | undefined) => void, parent?: Node): void {
  visit(node, parent);
  for (const key of Object.keys(node)) {
    if (
      key === 'loc' ||
      key === 'start' ||
      key === 'end' ||
      key === 'extra' ||
      key === 'leadingComments' ||
      key === 'trailingComments' ||
      key === 'innerComments'
    )
      continue;
    const value = node[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit, node);
    } else if (isNode(value)) walk(value, visit, node);
  }
}

const EXEC =
  /^(?:child_process\.(?:exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)|execa(?:\.\w+)?|execaSync|execaCommand(?:Sync)?|shelljs\.exec|cross-spawn(?:\.sync)?|Bun\.spawn(?:Sync)?|Bun\.\$|Deno\.run)$/;
const EVAL =
  /^(?:eval|Function|vm\.(?:runInThisContext|runInNewContext|runInContext|Script|compileFunction|SourceTextModule)|module\._compile|Module\._compile|m\._compile)$/;
const NETWORK =
  /^(?:https?\.(?:get|request)|http2\.connect|fetch|node-fetch|undici\.(?:request|fetch)|axios(?:\.\w+)?|got(?:\.\w+)?|needle(?:\.\w+)?|request(?:\.\w+)?|superagent(?:\.\w+)?|net\.(?:connect|createConnection|Socket)|tls\.connect|dgram\.createSocket|dns\.(?:lookup|resolve\w*|promises\.\w+)|dns\/promises\.\w+|WebSocket|ws|XMLHttpRequest|ping\.\w+)$/;
const DNS = /^(?:dns\.(?:lookup|resolve\w*|promises\.\w+)|dns\/promises\.\w+)$/;
const SOCKET = /^(?:net\.(?:connect|createConnection|Socket)|tls\.connect)$/;
const FS_READ =
  /^(?:fs|fs-extra|graceful-fs)\.(?:readFileSync|readFile|createReadStream|readdirSync|readdir|promises\.readFile|promises\.readdir|readJsonSync|readJson)$|^(?:fs\/promises)\.(?:readFile|readdir)$/;
const FS_WRITE =
  /^(?:fs|fs-extra|graceful-fs)\.(?:writeFileSync|writeFile|appendFileSync|appendFile|copyFileSync|copyFile|renameSync|rename|symlinkSync|createWriteStream|mkdirSync|cpSync|outputFileSync|outputFile|copySync|moveSync|promises\.(?:writeFile|appendFile|copyFile|rename))$|^fs\/promises\.(?:writeFile|appendFile|copyFile|rename)$/;
const CHMOD = /^(?:fs|fs-extra|graceful-fs)\.(?:chmodSync|chmod|promises\.chmod)$|^fs\/promises\.chmod$/;
const MACHINE = /^os\.(?:homedir|userInfo|hostname|networkInterfaces)$/;
/** Markers in literal paths: the file's own folder, and the folder npm was started in (the project). */
const DIRNAME = '\u0001';
const INIT_CWD = '\u0002';
const asShellText = (text: string): string => text.replaceAll(DIRNAME, '.').replaceAll(INIT_CWD, '$INIT_CWD');

const SHELL_BINARY = /^(?:\/bin\/)?(?:sh|bash|zsh|dash)$|^(?:cmd|cmd\.exe|powershell|powershell\.exe|pwsh)$/i;

export interface JavaScriptResult {
  /** Local files it loads (`./x`, `../y`), as written. */
  readonly requires: readonly string[];
  /** Files and code that the commands it runs hand to an interpreter (`execSync('bun run x.js')`). */
  readonly commands: readonly ScriptReference[];
  readonly parsed: boolean;
}

/** Reads one JavaScript file (or inline `node -e` code) and adds its signals. */
export function analyzeJavaScript(text: string, file: string, signals: SignalSet, lineOffset = 0): JavaScriptResult {
  let program: Node;
  try {
    program = babelParser().parse(text, {
      sourceType: 'unambiguous',
      errorRecovery: true,
      allowReturnOutsideFunction: true,
      allowAwaitOutsideFunction: true,
      allowImportExportEverywhere: true,
      allowUndeclaredExports: true,
      plugins: [],
    }) as unknown as Node;
  } catch {
    signals.add('unparsable', file, 1 + lineOffset, excerptAt(text, 1));
    scanLexically(text, file, signals, lineOffset);
    return { requires: [], commands: [], parsed: false };
  }
  return new FileAnalysis(text, file, signals, lineOffset).run(program);
}

class FileAnalysis {
  private readonly bindings = new Map<string, string>();
  private readonly inits = new Map<string, Node>();
  /** Names assigned again after their declaration: their first value says nothing about what they hold later. */
  private readonly reassigned = new Set<string>();
  private readonly taints = new Map<string, Set<Taint>>();
  private readonly requires = new Set<string>();
  private readonly commands: ScriptReference[] = [];
  private readonly hosts: { host: string | undefined; line: number; excerpt: string }[] = [];
  private writes = 0;
  private chmods = 0;
  private nonLiteralExec = false;
  private shellSpawned: Node | undefined;
  private socketOpened = false;
  private hexEscapes = 0;
  private obfuscatedNames = 0;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly signals: SignalSet,
    private readonly lineOffset: number,
  ) {
    this.dir = file.includes('#') || !file.includes('/') ? '' : file.slice(0, file.lastIndexOf('/'));
  }

  private readonly dir: string;

  run(program: Node): JavaScriptResult {
    walk(program, (node) => this.bind(node));
    // A few rounds so taint crosses chains of assignments (a = read(); b = a + x; send(b)).
    for (let round = 0; round < 3; round++) walk(program, (node) => this.propagate(node));
    walk(program, (node, parent) => this.inspect(node, parent));
    this.concludeFile();
    return { requires: [...this.requires], commands: this.commands, parsed: true };
  }

  private add(kind: ScriptSignalKind, node: Node, host?: string): void {
    const line = node.loc?.start.line ?? 1;
    this.signals.add(kind, this.file, line + this.lineOffset, excerptAt(this.text, line, node.loc?.start.column ?? 0), host);
  }

  /** Pass 1: which names stand for which modules and functions, and what each name was first set to. */
  private bind(node: Node): void {
    if (node.type === 'AssignmentExpression' || node.type === 'UpdateExpression') {
      const target = rootName(child(node, node.type === 'AssignmentExpression' ? 'left' : 'argument'));
      if (target) this.reassigned.add(target);
    }
    if (node.type === 'VariableDeclarator') {
      const id = child(node, 'id');
      const init = child(node, 'init');
      if (!id || !init) return;
      const module = this.moduleOf(init) ?? this.qualified(init);
      if (id.type === 'Identifier') {
        this.inits.set(id.name as string, init);
        const source = this.moduleOf(init);
        if (source) this.bindings.set(id.name as string, source);
        else if (init.type === 'MemberExpression' || init.type === 'Identifier') {
          const name = this.qualified(init);
          if (name && /^(?:child_process|fs|os|vm|https?|net|tls|dns|dgram|crypto)\b/.test(name)) this.bindings.set(id.name as string, name);
        }
      } else if (id.type === 'ObjectPattern' && module) {
        for (const property of children(id, 'properties')) {
          const key = child(property, 'key');
          const value = child(property, 'value');
          if (key?.type === 'Identifier' && value?.type === 'Identifier') this.bindings.set(value.name as string, `${module}.${key.name as string}`);
        }
      }
    } else if (node.type === 'ImportDeclaration') {
      const source = String((child(node, 'source')?.value as string | undefined) ?? '').replace(/^node:/, '');
      if (/^\.{1,2}\//.test(source)) this.requires.add(source);
      for (const specifier of children(node, 'specifiers')) {
        const local = child(specifier, 'local')?.name as string | undefined;
        if (!local) continue;
        if (specifier.type === 'ImportSpecifier') {
          const imported = child(specifier, 'imported');
          const name = (imported?.name ?? imported?.value) as string | undefined;
          this.bindings.set(local, name === 'default' ? source : `${source}.${name}`);
        } else this.bindings.set(local, source);
      }
    } else if (node.type === 'CallExpression' || node.type === 'ImportExpression') {
      const specifier = node.type === 'ImportExpression' ? child(node, 'source') : this.requireArgument(node);
      const value = specifier ? this.literal(specifier) : undefined;
      if (value !== undefined && /^\.{1,2}\//.test(value) && !value.includes('\u0000')) this.requires.add(value);
    }
  }

  private isRequireCall(node: Node | undefined): boolean {
    const callee = node?.type === 'CallExpression' ? child(node, 'callee') : undefined;
    return callee?.type === 'Identifier' && callee.name === 'require';
  }

  private requireArgument(node: Node): Node | undefined {
    const callee = child(node, 'callee');
    if (callee?.type === 'Import' || (callee?.type === 'Identifier' && callee.name === 'require')) return children(node, 'arguments')[0];
    if (callee?.type === 'MemberExpression' && child(callee, 'object')?.name === 'require' && child(callee, 'property')?.name === 'resolve') return undefined;
    return undefined;
  }

  /** `require('x')`, `require('node:x')`, `__importStar(require('x'))`, `await import('x')`: 'x'. */
  private moduleOf(node: Node): string | undefined {
    if (node.type === 'AwaitExpression') return this.moduleOf(child(node, 'argument')!);
    if (node.type === 'MemberExpression' && child(node, 'property')?.name === 'promises') {
      const inner = this.moduleOf(child(node, 'object')!);
      return inner ? `${inner}.promises` : undefined;
    }
    if (node.type === 'ImportExpression') return this.literal(child(node, 'source')!)?.replace(/^node:/, '');
    if (node.type !== 'CallExpression') return undefined;
    const callee = child(node, 'callee');
    const args = children(node, 'arguments');
    if (callee?.type === 'Identifier' && callee.name === 'require' && args[0]?.type === 'StringLiteral') return (args[0].value as string).replace(/^node:/, '');
    if (callee?.type === 'Import' && args[0]?.type === 'StringLiteral') return (args[0].value as string).replace(/^node:/, '');
    if (callee?.type === 'Identifier' && /^__import(?:Star|Default)$|^_interopRequire/.test(callee.name as string) && args[0]) return this.moduleOf(args[0]);
    return undefined;
  }

  /** The dotted name a callee stands for, through bindings: `cp.exec` → 'child_process.exec'. */
  private qualified(node: Node | undefined, depth = 0): string | undefined {
    if (!node || depth > 6) return undefined;
    switch (node.type) {
      case 'Identifier':
        return this.bindings.get(node.name as string) ?? (node.name as string);
      case 'SequenceExpression': {
        const expressions = children(node, 'expressions');
        return this.qualified(expressions[expressions.length - 1], depth + 1);
      }
      case 'MemberExpression':
      case 'OptionalMemberExpression': {
        const object = this.moduleOf(child(node, 'object')!) ?? this.qualified(child(node, 'object'), depth + 1);
        const property = child(node, 'property');
        const name = node.computed ? (property?.type === 'StringLiteral' ? (property.value as string) : undefined) : (property?.name as string | undefined);
        if (!object || name === undefined) return undefined;
        return name === 'default' ? object : `${object}.${name}`;
      }
      case 'CallExpression':
        return this.moduleOf(node);
      default:
        return undefined;
    }
  }

  /** The text of a literal, following names to their first value and concatenations; holes as `\u0000`. */
  private literal(node: Node | undefined, depth = 0): string | undefined {
    if (!node || depth > 4) return undefined;
    switch (node.type) {
      case 'StringLiteral':
        return node.value as string;
      case 'NumericLiteral':
        return String(node.value);
      case 'TemplateLiteral':
        return children(node, 'quasis')
          .map(
            (quasi, index) =>
              ((quasi.value as { cooked?: string }).cooked ?? '') +
              (index < children(node, 'expressions').length ? (this.literal(children(node, 'expressions')[index], depth + 1) ?? '\u0000') : ''),
          )
          .join('');
      case 'BinaryExpression':
        return node.operator === '+'
          ? (this.literal(child(node, 'left'), depth + 1) ?? '\u0000') + (this.literal(child(node, 'right'), depth + 1) ?? '\u0000')
          : undefined;
      case 'MemberExpression':
        return this.isProcessEnv(child(node, 'object')) && child(node, 'property')?.name === 'INIT_CWD' ? INIT_CWD : undefined;
      case 'Identifier': {
        if (node.name === '__dirname') return DIRNAME;
        if (this.reassigned.has(node.name as string)) return undefined;
        const init = this.inits.get(node.name as string);
        return init ? this.literal(init, depth + 1) : undefined;
      }
      case 'CallExpression': {
        // path.join('a', os.homedir(), '.npmrc') and friends: the literal parts, with holes.
        const name = this.qualified(child(node, 'callee'));
        if (name && /^path\.(?:join|resolve|posix\.join|win32\.join)$/.test(name))
          return children(node, 'arguments')
            .map((arg) => this.literal(arg, depth + 1) ?? '\u0000')
            .join('/');
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private isLiteral(node: Node | undefined): boolean {
    const text = this.literal(node);
    return text !== undefined && !text.includes('\u0000');
  }

  /** What a value carries, by the sources in it and the tainted names it uses. Function arguments are not the value. */
  private taintOf(node: Node | undefined, into = new Set<Taint>()): Set<Taint> {
    if (!node) return into;
    walk(node, (inner, parent) => {
      for (const taint of this.sourceOf(inner, parent)) into.add(taint);
      if (inner.type === 'Identifier') for (const taint of this.taints.get(inner.name as string) ?? []) into.add(taint);
    });
    return into;
  }

  /** Taints a node introduces by itself. */
  private sourceOf(node: Node, parent: Node | undefined): Taint[] {
    if (node.type === 'MemberExpression' && this.isProcessEnv(child(node, 'object'))) {
      const property = child(node, 'property');
      const name = node.computed ? (property?.type === 'StringLiteral' ? (property.value as string) : undefined) : (property?.name as string | undefined);
      if (name === undefined) return ['env'];
      if (SECRET_ENV.test(name)) return ['secret'];
      if (/^(?:USER|USERNAME|HOME|HOSTNAME|COMPUTERNAME|USERPROFILE|LOGNAME)$/.test(name)) return ['machine'];
      return [];
    }
    if (this.isProcessEnv(node) && !(parent?.type === 'MemberExpression' && parent.object === node)) {
      return parent?.type === 'ObjectProperty' && child(parent, 'key')?.name === 'env' ? [] : ['env'];
    }
    if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return [];
    const name = this.qualified(child(node, 'callee'));
    const args = children(node, 'arguments');
    if (!name) return [];
    if (MACHINE.test(name)) return ['machine'];
    if (FS_READ.test(name) && this.mentionsSecretPath(args)) return ['secret'];
    if (
      /^(?:Buffer\.from|atob|String\.fromCharCode|String\.fromCodePoint|unescape|decodeURIComponent|crypto\.createDecipheriv|crypto\.createDecipher|zlib\.(?:inflateSync|gunzipSync|brotliDecompressSync|inflateRawSync))$/.test(
        name,
      )
    ) {
      if (name === 'Buffer.from') {
        const encoding = this.literal(args[1]);
        return encoding !== undefined && /^(?:base64|base64url|hex)$/i.test(encoding) ? ['decoded'] : args[0]?.type === 'ArrayExpression' ? ['decoded'] : [];
      }
      if (name === 'decodeURIComponent' && !this.isLiteral(args[0])) return [];
      return ['decoded'];
    }
    if (/\.(?:toString)$/.test(name) && /^(?:base64|base64url|hex)$/i.test(this.literal(args[0]) ?? '')) return ['encoded'];
    if (name === 'btoa' || (/\.(?:update|final)$/.test(name) && this.taintOf(child(node, 'callee')).has('decoded')))
      return name === 'btoa' ? ['encoded'] : ['decoded'];
    if (NETWORK.test(name)) return ['netobj', 'remote'];
    return [];
  }

  private isProcessEnv(node: Node | undefined): boolean {
    return node?.type === 'MemberExpression' && child(node, 'object')?.name === 'process' && child(node, 'property')?.name === 'env' && !node.computed;
  }

  private mentionsSecretPath(args: readonly Node[]): boolean {
    return args.some((arg) => {
      const text = this.literal(arg);
      return text !== undefined && SECRET_PATH.test(text.replaceAll('\u0000', ' '));
    });
  }

  private taint(name: string, taints: Iterable<Taint>): void {
    const set = this.taints.get(name) ?? new Set<Taint>();
    for (const taint of taints) set.add(taint);
    if (set.size) this.taints.set(name, set);
  }

  /** Pass 2: taint flows into the names values are stored in, and into callbacks of network calls. */
  private propagate(node: Node): void {
    if (node.type === 'VariableDeclarator') {
      const taints = this.taintOf(child(node, 'init'));
      for (const name of patternNames(child(node, 'id'))) this.taint(name, taints);
    } else if (node.type === 'AssignmentExpression') {
      const target = rootName(child(node, 'left'));
      if (target) this.taint(target, this.taintOf(child(node, 'right')));
    } else if (node.type === 'CallExpression') {
      const callee = child(node, 'callee');
      const name = this.qualified(callee);
      const args = children(node, 'arguments');
      // x.push(v), Object.assign(x, v), x.set(k, v): x holds v.
      if (callee?.type === 'MemberExpression' && /^(?:push|unshift|set|add|concat|append|write)$/.test(String(child(callee, 'property')?.name))) {
        const target = rootName(child(callee, 'object'));
        if (target)
          this.taint(
            target,
            args.flatMap((arg) => [...this.taintOf(arg)]),
          );
      }
      if (name === 'Object.assign' && args[0]) {
        const target = rootName(args[0]);
        if (target)
          this.taint(
            target,
            args.slice(1).flatMap((arg) => [...this.taintOf(arg)]),
          );
      }
      const networkCall = name !== undefined && NETWORK.test(name);
      const thenOfNetwork =
        callee?.type === 'MemberExpression' &&
        /^(?:then|on|once|pipe)$/.test(String(child(callee, 'property')?.name)) &&
        this.taintOf(child(callee, 'object')).has('remote');
      if (networkCall || thenOfNetwork) {
        for (const arg of args)
          if (/Function/.test(arg.type))
            for (const param of children(arg, 'params')) for (const paramName of patternNames(param)) this.taint(paramName, ['remote']);
      }
    } else if (node.type === 'ForInStatement' && this.isProcessEnv(child(node, 'right'))) {
      for (const name of patternNames(child(node, 'left'))) this.taint(name, ['env']);
    }
  }

  /** Pass 3: sinks, and the literal-level checks. */
  private inspect(node: Node, parent: Node | undefined): void {
    if (node.type === 'StringLiteral' || node.type === 'TemplateElement') this.inspectText(node);
    if (node.type === 'Identifier' && /^_0x[0-9a-f]{3,}$/i.test(node.name as string)) this.obfuscatedNames++;
    if (this.isProcessEnv(node) && !(parent?.type === 'MemberExpression' && parent.object === node)) this.inspectWholeEnv(node, parent);
    if (node.type === 'MemberExpression' && this.isProcessEnv(child(node, 'object'))) {
      const property = child(node, 'property');
      const name = node.computed ? (property?.type === 'StringLiteral' ? (property.value as string) : undefined) : (property?.name as string | undefined);
      if (name !== undefined && SECRET_ENV.test(name) && !/^(?:npm_|NODE_|ELECTRON_|SWC_|ESBUILD_|PUPPETEER_|CYPRESS_|SENTRY)/i.test(name))
        this.add('reads-credentials', node);
    }
    if (node.type !== 'CallExpression' && node.type !== 'NewExpression') return;
    const callee = child(node, 'callee');
    const name = this.qualified(callee);
    const args = children(node, 'arguments');
    if (name === undefined) {
      // require(computed)[computed](…): a module and a method chosen at run time, the shape obfuscators leave.
      if (callee?.type === 'MemberExpression' && callee.computed && !this.isLiteral(child(callee, 'property')) && this.isRequireCall(child(callee, 'object'))) {
        this.add('dynamic-code', node);
      }
      this.inspectMethodSink(node, callee, args);
      return;
    }
    if (EXEC.test(name)) this.inspectExec(node, name, args);
    else if (EVAL.test(name)) this.inspectEval(node, name, args);
    else if (NETWORK.test(name)) this.inspectNetwork(node, name, args);
    else if (FS_READ.test(name) && this.mentionsSecretPath(args)) this.add('reads-credentials', node);
    else if (FS_WRITE.test(name)) this.inspectWrite(node, name, args);
    else if (CHMOD.test(name)) this.chmods++;
    else if (/^(?:setTimeout|setInterval|setImmediate)$/.test(name) && args[0] && !/Function|Identifier|MemberExpression/.test(args[0].type))
      this.inspectEval(node, name, args);
    else if ((name === 'String.fromCharCode' || name === 'String.fromCodePoint') && args.length >= 10) this.add('obfuscated', node);
    else if (/^(?:JSON\.stringify|Object\.(?:keys|entries|values))$/.test(name) && args.some((arg) => this.isProcessEnv(arg)))
      this.add('reads-credentials', node);
    else this.inspectMethodSink(node, callee, args);
  }

  /** `req.write(data)`, `socket.end(data)`, `ws.send(data)` on a network object. */
  private inspectMethodSink(node: Node, callee: Node | undefined, args: readonly Node[]): void {
    if (callee?.type !== 'MemberExpression') return;
    const method = String(child(callee, 'property')?.name);
    if (!/^(?:write|end|send)$/.test(method)) return;
    const objectTaint = this.taintOf(child(callee, 'object'));
    if (!objectTaint.has('netobj')) return;
    this.reportPayload(node, args, undefined, false);
  }

  private inspectExec(node: Node, name: string, args: readonly Node[]): void {
    const command = this.commandText(args);
    const taints = this.taintOf(args[0]);
    for (const arg of args.slice(1)) if (arg.type === 'ArrayExpression' || arg.type === 'Identifier') this.taintOf(arg, taints);
    if (taints.has('decoded')) this.add('decode-then-execute', node);
    if (taints.has('remote')) this.add('download-and-execute', node, this.hosts.find((entry) => entry.host !== undefined)?.host);
    const line = (node.loc?.start.line ?? 1) - 1 + this.lineOffset;
    const program = command?.split(/\s+/)[0] ?? '\u0000';
    if (command !== undefined) {
      const refs = analyzeShell(asShellText(command.replaceAll('\u0000', 'X')), this.file, this.signals, line);
      if (!command.includes('\u0000')) this.commands.push(...refs);
      if (SHELL_BINARY.test(program)) this.shellSpawned = node;
    }
    // A literal program with computed arguments (`spawn('unzip', [file])`) runs what it names; a computed program
    // runs whatever the code decided.
    if (program.includes('\u0000') && !/^process\.(?:execPath|argv)/.test(this.qualified(args[0]) ?? '')) {
      this.nonLiteralExec = true;
      this.add('spawns-process', node);
    } else this.add('runs-command', node);
    void name;
  }

  /** The command line an exec call runs: `exec('a b')`, `spawn('a', ['b'])`, with holes for what is not literal. */
  private commandText(args: readonly Node[]): string | undefined {
    const first = args[0];
    if (!first) return undefined;
    const program = /^process\.(?:execPath|argv)/.test(this.qualified(first) ?? '') ? 'node' : (this.literal(first) ?? '\u0000');
    const list = args[1]?.type === 'ArrayExpression' ? children(args[1], 'elements').map((element) => shellQuote(this.literal(element) ?? '\u0000')) : [];
    const text = [program, ...list].join(' ');
    return text.replaceAll('\u0000', '').trim() === '' ? undefined : text;
  }

  private inspectEval(node: Node, name: string, args: readonly Node[]): void {
    const nonLiteral = args.filter((arg) => !this.isLiteral(arg));
    if (nonLiteral.length === 0) {
      if (args.some((arg) => (this.literal(arg)?.length ?? 0) > 200)) this.add('obfuscated', node);
      return;
    }
    const taints = new Set<Taint>();
    for (const arg of nonLiteral) this.taintOf(arg, taints);
    if (taints.has('decoded') || taints.has('encoded')) this.add('decode-then-execute', node);
    if (taints.has('remote')) this.add('download-and-execute', node, this.hosts[0]?.host);
    // Packed code: eval(function(p,a,c,k,e,d){…}(…)).
    if (args[0]?.type === 'CallExpression' && /Function/.test(child(args[0], 'callee')?.type ?? '')) this.add('obfuscated', node);
    this.add('dynamic-code', node);
    void name;
  }

  private inspectNetwork(node: Node, name: string, args: readonly Node[]): void {
    const host = this.hostOfCall(args);
    this.hosts.push({ host, line: node.loc?.start.line ?? 1, excerpt: '' });
    this.add('network', node, host);
    if (SOCKET.test(name)) this.socketOpened = true;
    if (host !== undefined && (RUNTIME_HOSTS.test(host) || RUNTIME_URL.test(this.literal(args[0]) ?? ''))) this.add('downloads-runtime', node, host);
    this.reportPayload(node, args, host, DNS.test(name));
  }

  /** Secrets, the environment or machine details in what a network call sends. */
  private reportPayload(node: Node, args: readonly Node[], host: string | undefined, dns: boolean): void {
    const taints = new Set<Taint>();
    for (const arg of args) if (!/Function/.test(arg.type)) this.taintOf(arg, taints);
    if (taints.has('secret') || taints.has('env')) this.add('exfiltrates', node, host);
    else if (dns && (taints.has('encoded') || taints.has('machine'))) this.add('exfiltrates', node, host);
    else if (taints.has('machine')) this.add('sends-machine-details', node, host);
  }

  private hostOfCall(args: readonly Node[]): string | undefined {
    const first = this.literal(args[0]);
    const fromUrl = first === undefined ? undefined : hostOf(first);
    if (fromUrl) return fromUrl;
    const options = [args[0], args[1]].find((arg) => arg?.type === 'ObjectExpression');
    for (const property of options ? children(options, 'properties') : []) {
      const key = child(property, 'key')?.name ?? child(property, 'key')?.value;
      if (key === 'hostname' || key === 'host') return this.literal(child(property, 'value'))?.toLowerCase();
      if (key === 'url') return hostOf(this.literal(child(property, 'value')) ?? '');
    }
    // dns.lookup('name.example.test') and net.connect(port, 'host').
    const plain = [first, this.literal(args[1])].find((text) => text !== undefined && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(text));
    return plain?.toLowerCase();
  }

  private inspectWrite(node: Node, name: string, args: readonly Node[]): void {
    this.writes++;
    // rename, copy and symlink write their second argument; the others their first.
    const destination = this.literal(/(?:rename|copy|cp|symlink|move)/i.test(name) ? args[1] : args[0]);
    if (destination === undefined) return;
    if (/\.github[\\/]+workflows/.test(destination)) this.add('writes-workflow', node);
    else if (destination.startsWith(INIT_CWD) && /node_modules/.test(destination)) this.add('writes-other-package', node);
    else if (destination.startsWith(DIRNAME) && joinPath(this.dir, destination.slice(1).replace(/^\/+/, '').replaceAll('\u0000', 'x')).startsWith('..'))
      this.add('writes-other-package', node);
    else if (/^\.\.[\\/]/.test(destination)) this.add('writes-other-package', node);
  }

  private inspectWholeEnv(node: Node, parent: Node | undefined): void {
    // Spreading it into a child's `env` is ordinary; walking its keys is how stealers collect every token.
    if (parent?.type === 'ForInStatement') this.add('reads-credentials', node);
  }

  private inspectText(node: Node): void {
    const value = node.type === 'StringLiteral' ? (node.value as string) : ((node.value as { raw?: string }).raw ?? '');
    const raw = String((node.extra as { raw?: string } | undefined)?.raw ?? (node.value as { raw?: string }).raw ?? '');
    this.hexEscapes += (raw.match(/\\x[0-9a-f]{2}|\\u[0-9a-f]{4}/gi) ?? []).length;
    if (AI_BYPASS_FLAG.test(value)) this.add('ai-cli-bypass', node);
    if ((SECRET_SCANNER.test(value) && !/\s/.test(value.trim())) || /\btrufflehog\b/i.test(value)) this.add('secret-scanner', node);
    if (NATIVE_LOADER.test(value)) this.add('loads-native-library', node);
    if (CLOUD_METADATA.test(value)) this.add('reads-cloud-metadata', node);
    const host = hostOf(value);
    if ((host !== undefined && RUNTIME_HOSTS.test(host)) || RUNTIME_URL.test(value)) this.add('downloads-runtime', node, host);
    if (value.length >= 200 && isEncodedBlob(value)) this.add('obfuscated', node);
  }

  /** Whole-file shapes: a fetched binary made executable and run, a socket wired to a shell, heavy escaping. */
  private concludeFile(): void {
    const firstNetwork = this.hosts[0];
    if (firstNetwork && this.writes > 0 && (this.chmods > 0 || this.nonLiteralExec)) {
      const literalHosts = [...new Set(this.hosts.map((entry) => entry.host).filter((host) => host !== undefined))];
      const hostsSeen = literalHosts.length ? literalHosts : [undefined];
      for (const host of hostsSeen)
        this.signals.add('download-and-execute', this.file, firstNetwork.line + this.lineOffset, excerptAt(this.text, firstNetwork.line), host);
    }
    if (this.socketOpened && this.shellSpawned) this.add('reverse-shell', this.shellSpawned);
    if (this.obfuscatedNames >= 5 || this.hexEscapes >= 40) this.signals.add('obfuscated', this.file, 1 + this.lineOffset, excerptAt(this.text, 1));
    const longest = this.text.split('\n').reduce((max, line) => Math.max(max, line.length), 0);
    if (longest > 5000 && this.text.length > 20_000) this.signals.add('obfuscated', this.file, 1 + this.lineOffset, excerptAt(this.text, 1));
  }
}

function patternNames(node: Node | undefined): string[] {
  if (!node) return [];
  if (node.type === 'Identifier') return [node.name as string];
  if (node.type === 'VariableDeclaration') return children(node, 'declarations').flatMap((declaration) => patternNames(child(declaration, 'id')));
  if (node.type === 'ObjectPattern')
    return children(node, 'properties').flatMap((property) => patternNames(child(property, 'value') ?? child(property, 'argument')));
  if (node.type === 'ArrayPattern') return children(node, 'elements').flatMap((element) => patternNames(element));
  if (node.type === 'AssignmentPattern') return patternNames(child(node, 'left'));
  if (node.type === 'RestElement') return patternNames(child(node, 'argument'));
  return [];
}

function rootName(node: Node | undefined): string | undefined {
  let current = node;
  while (current && (current.type === 'MemberExpression' || current.type === 'OptionalMemberExpression')) current = child(current, 'object');
  return current?.type === 'Identifier' ? (current.name as string) : undefined;
}

const shellQuote = (word: string): string => (/[\s'"]/.test(word) ? `'${word.replaceAll("'", "'\\''")}'` : word);

/** A long literal of base64 or hex, or of very high entropy. */
export function isEncodedBlob(value: string): boolean {
  if (/^[A-Za-z0-9+/=_-]+$/.test(value) && !/^[a-z-]+$/i.test(value)) return true;
  return entropy(value) > 5.3;
}

function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) bits -= (count / text.length) * Math.log2(count / text.length);
  return bits;
}

/** For files too large to parse or that do not parse: the literal-level checks on the raw text. */
export function scanLexically(text: string, file: string, signals: SignalSet, lineOffset = 0): void {
  const checks: [ScriptSignalKind, RegExp][] = [
    ['ai-cli-bypass', AI_BYPASS_FLAG],
    ['secret-scanner', /\btrufflehog\b|\bgitleaks\s+detect\b/i],
    ['loads-native-library', /\brundll32(?:\.exe)?\b|\bregsvr32(?:\.exe)?\b|\bmshta(?:\.exe)?\b/i],
    ['reads-cloud-metadata', CLOUD_METADATA],
    ['writes-workflow', /\.github\/workflows\/[\w.-]+\.ya?ml/],
    ['downloads-runtime', /\bbun\.sh\/install\b|\/oven-sh\/bun\/releases\b/],
    ['obfuscated', /\b_0x[0-9a-f]{4,}\b[\s\S]*\b_0x[0-9a-f]{4,}\b|[A-Za-z0-9+/]{400,}={0,2}/],
  ];
  for (const [kind, pattern] of checks) {
    const match = pattern.exec(text);
    if (!match) continue;
    let offset = match.index;
    let line = 1;
    for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
    offset = match.index - (text.lastIndexOf('\n', match.index) + 1);
    signals.add(kind, file, line + lineOffset, excerptAt(text, line, offset));
  }
}
