import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedHome, runMain } from '../support/in-process.js';
import { ROOT } from '../support/paths.js';

const home = isolatedHome();
afterAll(home.remove);

/** docs/usage.md's Options block: the command lines, and the report options they share. */
function optionsBlock(): { commands: Map<string, string>; report: string } {
  const usage = readFileSync(join(ROOT, 'docs', 'usage.md'), 'utf8');
  const block = /^## Options\n[\s\S]*?^```\n([\s\S]*?)^```/m.exec(usage)![1]!;
  const [synopsis, report] = block.split('\nreport options:\n');
  const commands = new Map<string, string>();
  for (const line of synopsis!.trim().split('\n')) {
    const command = /^depwarden ([a-z]+)/.exec(line)![1]!;
    commands.set(command, `${commands.get(command) ?? ''} ${line}`);
  }
  return { commands, report: report! };
}

const flagsIn = (text: string): Set<string> => new Set(text.match(/--[a-z][a-z-]*/g) ?? []);

/** The options a command's --help lists (`  --flag`, `  -x, --flag`, `  --color, --no-color`), -h/--help aside. */
async function helpFlags(command: string): Promise<Set<string>> {
  const help = (await runMain([command, '--help'], home.env, home.dir)).stdout;
  const flags = [...help.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)(?:, (--[a-z-]+))?/gm)].flatMap((match) => match.slice(1).filter(Boolean));
  return new Set(flags.filter((flag) => flag !== '--help'));
}

describe("docs/usage.md's Options block", () => {
  it('lists every command of the top-level help', async () => {
    const help = (await runMain(['--help'], home.env, home.dir)).stdout;
    const commands = [...help.matchAll(/^ {2}([a-z]+) /gm)].map((match) => match[1]).filter((command) => command !== 'help');
    expect([...optionsBlock().commands.keys()]).toEqual(commands);
  });

  it('gives each command exactly the options its --help lists', async () => {
    const { commands, report } = optionsBlock();
    for (const [command, lines] of commands) {
      const documented = flagsIn(lines.includes('[report options]') ? `${lines} ${report}` : lines);
      expect({ command, flags: [...documented].sort() }).toEqual({ command, flags: [...(await helpFlags(command))].sort() });
    }
  });
});
