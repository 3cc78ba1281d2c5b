import { describe, expect, it } from 'vitest';
import { readMcpConfig, replaceServerArg } from '../../src/gate/mcp-config.js';

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
      { serversKey: 'servers', name: 'gh', command: 'npx', args: ['-y', 'some-mcp@latest'], url: undefined },
      { serversKey: 'servers', name: 'web', command: undefined, args: [], url: 'https://mcp.example.test/' },
    ]);
    expect(readMcpConfig('{"mcpServers":{"a":{"command":"npx","args":["x"]}}}', 'f')).toHaveLength(1);
  });

  it('refuses what it cannot read: not JSON, wrong shapes', () => {
    expect(() => readMcpConfig('{"mcpServers": {', 'f')).toThrow(/not valid JSON/);
    expect(() => readMcpConfig('[]', 'f')).toThrow('an MCP config must be a JSON object');
    expect(() => readMcpConfig('{"mcpServers":{"a":{"command":"npx","args":"x"}}}', 'f')).toThrow('mcpServers.a.args must be a list of strings');
    expect(() => readMcpConfig('{"mcpServers":{"a":{}}}', 'f')).toThrow('mcpServers.a has neither a command nor a url');
  });

  it('replaces one argument in place: every other byte stays', () => {
    expect(replaceServerArg(vscode, { serversKey: 'servers', name: 'gh' }, 1, 'some-mcp@1.2.3')).toBe(vscode.replace('"some-mcp@latest"', '"some-mcp@1.2.3"'));
  });
});
