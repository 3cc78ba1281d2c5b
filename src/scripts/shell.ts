/**
 * Install scripts as shell: a small tokenizer (quotes, escapes, `;` `&&` `||` `|` `&`, newlines, `$(…)` and
 * backticks) and a reading of each pipeline. Written by hand on purpose: the shell parsers on the registry
 * (bash-parser, mvdan's sh compiled to JS) are large, unmaintained or WebAssembly, and what matters here is only
 * which programs run, with which words, and what pipes into what; anything stranger still reaches the lexical
 * checks of the rule's text.
 */
import type { SignalSet } from './evidence.js';
import {
  AI_BYPASS_FLAG,
  AI_CLI,
  CLOUD_METADATA,
  DOWNLOADERS,
  NATIVE_LOADER,
  RUNTIME_HOSTS,
  RUNTIME_URL,
  SECRET_PATH,
  SECRET_SCANNER,
  SHELLS,
  hostOf,
} from './vocabulary.js';

export interface ShellCommand {
  readonly words: readonly string[];
  readonly line: number;
}

/** Commands joined by pipes; a script is a list of them. */
export type Pipeline = readonly ShellCommand[];

export interface ShellParse {
  readonly pipelines: readonly Pipeline[];
  /** `$(…)` and backtick bodies, read as scripts of their own. */
  readonly substitutions: readonly { text: string; line: number }[];
}

/** A file or inline code a script hands to an interpreter: what the analysis follows next. */
export interface ScriptReference {
  readonly kind: 'file' | 'inline';
  /** The file path (package-relative as written), or the inline code. */
  readonly value: string;
  readonly runtime: string;
  readonly line: number;
}

export function parseShell(text: string): ShellParse {
  const pipelines: ShellCommand[][] = [];
  const substitutions: { text: string; line: number }[] = [];
  let pipeline: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let line = 1;
  let commandLine = 1;
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length) pipeline.push({ words, line: commandLine });
    words = [];
  };
  const endPipeline = () => {
    endCommand();
    if (pipeline.length) pipelines.push(pipeline);
    pipeline = [];
  };
  const append = (chars: string) => {
    if (word === undefined && words.length === 0) commandLine = line;
    word = (word ?? '') + chars;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === '\n') {
      endPipeline();
      line++;
    } else if (char === '\\' && next !== undefined) {
      if (next === '\n') line++;
      else append(next);
      index++;
    } else if (char === "'") {
      const end = text.indexOf("'", index + 1);
      const body = text.slice(index + 1, end === -1 ? text.length : end);
      append(body);
      line += body.split('\n').length - 1;
      index = end === -1 ? text.length : end;
    } else if (char === '"') {
      let body = '';
      let cursor = index + 1;
      for (; cursor < text.length && text[cursor] !== '"'; cursor++) {
        if (text[cursor] === '\\' && cursor + 1 < text.length) cursor++;
        body += text[cursor];
      }
      collectSubstitutions(body, line, substitutions);
      append(body);
      line += body.split('\n').length - 1;
      index = cursor;
    } else if (char === '$' && next === '(') {
      const end = closingParen(text, index + 1);
      const body = text.slice(index + 2, end);
      substitutions.push({ text: body, line });
      append(text.slice(index, end + 1));
      index = end;
    } else if (char === '`') {
      const end = text.indexOf('`', index + 1);
      const body = text.slice(index + 1, end === -1 ? text.length : end);
      substitutions.push({ text: body, line });
      append(`\`${body}\``);
      index = end === -1 ? text.length : end;
    } else if (char === '#' && word === undefined) {
      const end = text.indexOf('\n', index);
      index = (end === -1 ? text.length : end) - 1;
    } else if (char === '|' && next === '|') {
      endPipeline();
      index++;
    } else if (char === '&' && next === '&') {
      endPipeline();
      index++;
    } else if (char === '|') {
      endCommand();
      if (next === '&') index++;
    } else if (char === ';' || char === '(' || char === ')' || (char === '{' && word === undefined) || (char === '}' && word === undefined)) {
      endPipeline();
    } else if (char === '&' && next !== '>' && text[index - 1] !== '>') {
      endPipeline();
    } else if (char === ' ' || char === '\t' || char === '\r') {
      endWord();
    } else {
      append(char);
    }
  }
  endPipeline();
  return { pipelines, substitutions };
}

function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    if (text[index] === '(') depth++;
    else if (text[index] === ')' && --depth === 0) return index;
  }
  return text.length;
}

function collectSubstitutions(body: string, line: number, into: { text: string; line: number }[]): void {
  for (const match of body.matchAll(/\$\(([^()]*(?:\([^()]*\)[^()]*)*)\)|`([^`]*)`/g)) into.push({ text: match[1] ?? match[2] ?? '', line });
}

const WRAPPERS = new Set(['sudo', 'exec', 'env', 'nohup', 'time', 'command', 'nice', 'doas', 'start', 'call']);
const INTERPRETERS = new Set(['node', 'nodejs', 'bun', 'deno', 'tsx', 'ts-node', 'sh', 'bash', 'zsh', 'dash', 'python', 'python3', 'perl', 'ruby']);
const INLINE_FLAGS = new Set(['-e', '--eval', '-p', '--print', '-c']);

/** The program and its arguments, without leading variable assignments and wrappers such as `sudo`. */
export function programOf(words: readonly string[]): { program: string; args: readonly string[] } | undefined {
  let start = 0;
  while (
    start < words.length &&
    (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[start]!) ||
      WRAPPERS.has(words[start]!.toLowerCase()) ||
      (start > 0 && WRAPPERS.has(words[start - 1]!.toLowerCase()) && words[start]!.startsWith('-')))
  )
    start++;
  // `env` alone is a program (it prints the environment), not a wrapper.
  if (start === words.length && start > 0 && !words[start - 1]!.startsWith('-') && !words[start - 1]!.includes('=')) start--;
  const first = words[start];
  if (first === undefined) return undefined;
  const program = first.replace(/^.*[\\/]/, '').toLowerCase();
  // Redirections (`>& /dev/tcp/…`, `2>/dev/null`) are not arguments: drop them and their targets.
  const args: string[] = [];
  const rest = words.slice(start + 1);
  for (let index = 0; index < rest.length; index++) {
    const word = rest[index]!;
    if (/^(?:\d*|&)[<>]/.test(word)) {
      if (/^(?:\d*|&)(?:<|>|>>|>&|<&)$/.test(word)) index++;
      continue;
    }
    args.push(word);
  }
  return { program, args };
}

/**
 * Reads a shell script: adds what it does to `signals` and returns the files and inline code it hands to an
 * interpreter, for the caller to follow. `file` and `text` locate the evidence (`text` is the script itself).
 */
export function analyzeShell(text: string, file: string, signals: SignalSet, lineOffset = 0, depth = 0): ScriptReference[] {
  const parsed = parseShell(text);
  const lines = text.split('\n');
  const excerpt = (line: number) => (lines[line - 1] ?? '').trim().slice(0, 160);
  const refs: ScriptReference[] = [];
  const downloaded = new Set<string>();
  const executable = new Set<string>();
  let lastDownloadHost: string | undefined;
  let readsSecrets = false;
  let network = false;
  const at = (command: ShellCommand) => command.line + lineOffset;
  const add = (kind: Parameters<SignalSet['add']>[0], command: ShellCommand, host?: string) =>
    signals.add(kind, file, at(command), excerpt(command.line), host);

  for (const pipeline of parsed.pipelines) {
    let secretsInPipe = false;
    let downloadInPipe: { host: string | undefined } | undefined;
    let decodeInPipe = false;
    for (const [position, command] of pipeline.entries()) {
      const parts = programOf(command.words);
      if (!parts) continue;
      const { program, args } = parts;
      const joined = command.words.join(' ');
      const urlHosts = command.words.map(hostOf).filter((host): host is string => host !== undefined);

      if (AI_BYPASS_FLAG.test(joined) && (AI_CLI.test(program) || command.words.some((w) => AI_CLI.test(w)))) add('ai-cli-bypass', command);
      else if (AI_BYPASS_FLAG.test(joined)) add('ai-cli-bypass', command);
      if (SECRET_SCANNER.test(program)) add('secret-scanner', command);
      if (NATIVE_LOADER.test(program)) add('loads-native-library', command);
      if (CLOUD_METADATA.test(joined)) add('reads-cloud-metadata', command);
      if (
        /\/dev\/(?:tcp|udp)\//.test(joined) ||
        (/^(?:nc|ncat|netcat)$/.test(program) && args.some((arg) => /^-[ec]$/.test(arg))) ||
        (program === 'socat' && /\bexec:/i.test(joined))
      ) {
        add('reverse-shell', command);
      }
      const secretArgs = args.filter((arg) => SECRET_PATH.test(arg));
      if (/^(?:cat|type|get-content|gc|tar|zip|cp|base64|xxd|head|tail|less|more|scp|rsync)$/.test(program) && secretArgs.length) {
        add('reads-credentials', command);
        secretsInPipe = readsSecrets = true;
      }
      if (/^(?:env|printenv|set|export)$/.test(program) && args.length === 0 && pipeline.length > 1 && position < pipeline.length - 1) {
        add('reads-credentials', command);
        secretsInPipe = readsSecrets = true;
      }
      const writeTargets = command.words.filter((w, i) => i > 0 && /^(?:\.github[\\/]workflows|.*[\\/]\.github[\\/]workflows)/.test(w));
      if (writeTargets.length && /^(?:cp|mv|tee|echo|printf|cat|install|mkdir)$/.test(program)) add('writes-workflow', command);

      if (DOWNLOADERS.has(program)) {
        network = true;
        const host = urlHosts[0];
        add('network', command, host);
        if (host !== undefined && (RUNTIME_HOSTS.test(host) || RUNTIME_URL.test(joined))) add('downloads-runtime', command, host);
        if (
          secretArgs.length ||
          secretsInPipe ||
          (args.some((arg) => /^@-?$/.test(arg) || /^-(?:d|-data(?:-binary)?|T|-upload-file|F)$/.test(arg)) && secretsInPipe)
        ) {
          add('exfiltrates', command, host);
        }
        const output = outputOf(args);
        if (output) downloaded.add(output);
        lastDownloadHost = host;
        downloadInPipe = { host };
      } else if (urlHosts.length && /^(?:git|npm|pip|pip3|gh|scp|ssh|nc|ncat|netcat|socat|telnet|ftp)$/.test(program)) {
        network = true;
        add('network', command, urlHosts[0]);
      }
      if (program === 'nslookup' || program === 'dig' || program === 'host') {
        network = true;
        add(
          'network',
          command,
          args.find((arg) => !arg.startsWith('-')),
        );
      }
      if (/^(?:base64|openssl|xxd|certutil)$/.test(program) && args.some((arg) => /^(?:-d|--decode|-D|-r|-decode|enc)$/.test(arg))) decodeInPipe = true;

      if (position > 0 && SHELLS.has(program) && !args.some((arg) => !arg.startsWith('-'))) {
        if (downloadInPipe) add('download-and-execute', command, downloadInPipe.host);
        if (decodeInPipe) add('decode-then-execute', command);
      }
      if ((program === 'powershell' || program === 'powershell.exe' || program === 'pwsh') && args.some((arg) => /^-e(?:nc(?:odedcommand)?)?$/i.test(arg))) {
        add('decode-then-execute', command);
      }
      if (program === 'chmod' && args.some((arg) => /^(?:\+x|[0-7]*[157][0-7]{0,2}|u\+x|a\+x)$/.test(arg))) for (const arg of args) executable.add(arg);
      if (downloaded.has(command.words[0]!) || (executable.has(command.words[0]!) && downloaded.size > 0))
        add('download-and-execute', command, lastDownloadHost);

      // What the command hands to an interpreter: a file to follow, code to read, or a script to recurse into.
      const isShell = /^(?:sh|bash|zsh|dash|cmd|cmd\.exe|powershell|powershell\.exe|pwsh)$/.test(program);
      if (isShell) {
        const inline = args.findIndex((arg) => /^(?:-c|\/c|-command|-c[a-z]*)$/i.test(arg));
        if (inline !== -1 && args[inline + 1] !== undefined && depth < 4)
          refs.push(...analyzeShell(args[inline + 1]!, file, signals, at(command) - 1, depth + 1));
      }
      if (INTERPRETERS.has(program)) {
        const flagIndex = args.findIndex((arg) => INLINE_FLAGS.has(arg));
        if (flagIndex !== -1 && args[flagIndex + 1] !== undefined && !isShell) {
          refs.push({ kind: 'inline', value: args[flagIndex + 1]!, runtime: program, line: at(command) });
        } else if (!isShell || flagIndex === -1) {
          const target = args.find((arg, i) => !arg.startsWith('-') && !(i > 0 && /^-(?:r|-require|-import|-loader)$/.test(args[i - 1]!)) && arg !== 'run');
          if (target !== undefined) refs.push({ kind: 'file', value: target, runtime: program, line: at(command) });
        }
      }
    }
  }
  for (const substitution of parsed.substitutions)
    if (depth < 4) refs.push(...analyzeShell(substitution.text, file, signals, substitution.line - 1 + lineOffset, depth + 1));
  if (readsSecrets && network && !signals.has('exfiltrates')) {
    const first = parsed.pipelines.flat().find((command) => DOWNLOADERS.has(programOf(command.words)?.program ?? ''));
    if (first)
      add(
        'exfiltrates',
        first,
        first.words.map(hostOf).find((host) => host !== undefined),
      );
  }
  return refs;
}

function outputOf(args: readonly string[]): string | undefined {
  const index = args.findIndex((arg) => /^(?:-o|-O|--output|-outfile|--output-document)$/i.test(arg));
  return index === -1 ? undefined : args[index + 1];
}
