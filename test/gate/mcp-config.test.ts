import { describe, expect, it } from 'vitest';
import { readMcpConfig, replaceServerArg, serverName } from '../../src/gate/mcp-config.js';

describe('MCP config files', () => {
  const vscode = `{
  // comments survive
  "inputs": [],
  "servers": {
    "gh": {
      "command": "npx",
      "args": [ "-y",   "some-mcp@latest" ], /* odd spacing too */
    },
    "web": { "type": "http", "url": "https://mcp.example.test/" },
  }
}`;

  it('reads servers (VS Code) and mcpServers (the others), with comments and trailing commas', () => {
    expect(readMcpConfig(vscode, '.vscode/mcp.json')).toEqual([
      { serversKey: 'servers', name: 'gh', command: 'npx', args: ['-y', 'some-mcp@latest'], url: undefined, env: {} },
      { serversKey: 'servers', name: 'web', command: undefined, args: [], url: 'https://mcp.example.test/', env: {} },
    ]);
    expect(readMcpConfig('{"servers":{"a":{"command":"npx","args":["x"],"env":{"A":"1"},"envFile":"${workspaceFolder}/.env"}}}', 'f')).toMatchObject([
      { env: { A: '1' }, envFile: '${workspaceFolder}/.env' },
    ]);
    expect(readMcpConfig('{"mcpServers":{"a":{"command":"npx","args":["x"]}}}', 'f')).toHaveLength(1);
  });

  it('refuses what it cannot read: not JSON, wrong shapes', () => {
    expect(() => readMcpConfig('{"mcpServers": {', 'f')).toThrow(/not valid JSON/);
    expect(() => readMcpConfig('[]', 'f')).toThrow('an MCP config must be a JSON object');
    expect(() => readMcpConfig('{"mcpServers":{"a":{"command":"npx","args":"x"}}}', 'f')).toThrow('mcpServers.a.args must be a list of strings');
    expect(() => readMcpConfig('{"mcpServers":{"a":{}}}', 'f')).toThrow('mcpServers.a has neither a command nor a url');
    expect(() => readMcpConfig('{"mcpServers":{"a":{"command":"npx","env":{"A":1}}}}', 'f')).toThrow('mcpServers.a.env must be an object of strings');
    expect(() => readMcpConfig('{"mcpServers":{"a":{"command":"npx","envFile":[]}}}', 'f')).toThrow('mcpServers.a.envFile must be a string');
    expect(() => readMcpConfig('{"mcpServers":{"a":{"command":"npx","cwd":1}}}', 'f')).toThrow('mcpServers.a.cwd must be a string');
    expect(readMcpConfig('{"mcpServers":{"a":{"command":"npx","cwd":"srv"}}}', 'f')).toMatchObject([{ cwd: 'srv' }]);
  });

  it('replaces one argument in place: every other byte stays', () => {
    expect(replaceServerArg(vscode, { serversKey: 'servers', name: 'gh' }, 1, 'some-mcp@1.2.3')).toBe(vscode.replace('"some-mcp@latest"', '"some-mcp@1.2.3"'));
  });

  it("reads Claude Code's ~/.claude.json: user-wide servers and each project's, and pins inside a project", () => {
    const claude = `{
  "mcpServers": { "a": { "type": "stdio", "command": "npx", "args": ["-y", "a@latest"] } },
  "projects": { "/work/app": { "allowedTools": [], "mcpServers": { "b": { "command": "npx", "args": ["b"] } } }, "/work/x": {} }
}`;
    const entries = readMcpConfig(claude, '.claude.json');
    expect(entries.map(serverName)).toEqual(['mcpServers.a', 'projects["/work/app"].mcpServers.b']);
    expect(replaceServerArg(claude, entries[1]!, 0, 'b@1.0.0')).toBe(claude.replace('["b"]', '["b@1.0.0"]'));
    expect(() => readMcpConfig('{"projects":{"/p":[]}}', 'f')).toThrow('projects["/p"] must be an object');
    expect(() => readMcpConfig('{"projects":{"/p":{"mcpServers":{"s":{"command":1}}}}}', 'f')).toThrow('projects["/p"].mcpServers.s.command must be a string');
  });
});
