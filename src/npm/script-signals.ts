import type { ScriptSignal } from '../findings/model.js';

const PATTERNS: readonly [ScriptSignal, RegExp][] = [
  ['downloads and runs code', /\b(?:curl|wget)\b[^|;&\n]*\|\s*(?:sudo\s+)?(?:ba|z)?sh\b|\b(?:curl|wget)\b[^;&\n]*&&\s*(?:ba)?sh\s|(?:\bfetch|\.(?:get|request)|\baxios(?:\.\w+)?|\bgot)\s*\([\s\S]{0,500}?\b(?:eval|Function|exec|execSync|spawn|runInThisContext)\s*\(/],
  ['decodes and evaluates hidden code', /(?:atob|Buffer\.from)\s*\([^)]*(?:base64|hex)?[^)]*\)[\s\S]{0,200}?\b(?:eval|Function|exec|execSync|runInThisContext)\s*\(|\beval\s*\(\s*(?:atob|Buffer\.from|unescape|decodeURIComponent)\b|\bbase64\s+(?:-d|--decode)\b[^\n]*\|\s*(?:ba)?sh\b/],
  ['runs inline code (node -e)', /\bnode\s+(?:-e|--eval|-p|--print)\s/],
  ['reads credentials or tokens', /\.npmrc\b|NPM_TOKEN|NODE_AUTH_TOKEN|GITHUB_TOKEN|AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID|\.ssh\/|id_rsa|id_ed25519|\.aws\/credentials|\.git-credentials|\.docker\/config\.json|process\.env\s*\)|JSON\.stringify\(\s*process\.env\b/],
  ['contacts the network', /\b(?:curl|wget|nc|ncat)\s|https?:\/\/|require\(\s*['"](?:node:)?(?:https?|net|dgram|dns)['"]\s*\)|from\s+['"](?:node:)?(?:https?|net|dgram|dns)['"]|\bfetch\s*\(|\bXMLHttpRequest\b|\bWebSocket\b/],
  ['reads cloud metadata', /169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200/],
  ['spawns processes', /child_process|\bexecSync\s*\(|\bspawnSync?\s*\(|\bexecFile(?:Sync)?\s*\(/],
  ['obfuscated', /(?:\\x[0-9a-f]{2}){20,}|\b_0x[0-9a-f]{4,}\b|[A-Za-z0-9+/]{400,}={0,2}/i],
];

export function scriptSignals(text: string): ScriptSignal[] {
  return PATTERNS.filter(([, pattern]) => pattern.test(text)).map(([signal]) => signal);
}

/** Signals that make a script critical on their own, or together. */
export function isMalicious(signals: readonly ScriptSignal[]): boolean {
  const has = (signal: ScriptSignal) => signals.includes(signal);
  return (
    has('downloads and runs code') ||
    has('decodes and evaluates hidden code') ||
    has('obfuscated') ||
    has('reads cloud metadata') ||
    (has('reads credentials or tokens') && has('contacts the network')) ||
    (has('runs inline code (node -e)') && has('contacts the network'))
  );
}

/** Build steps that are ordinary for native and tooling packages. */
export function isOrdinaryBuild(script: string): boolean {
  return /^\s*(?:node-gyp rebuild|node-gyp-build(?:-optional)?|prebuild-install(?:\s+[\w-]+)*(?:\s*\|\|\s*node-gyp rebuild)?|node-pre-gyp install(?:\s+--[\w-]+)*|(?:npx\s+)?patch-package|husky(?:\s+install)?|opencollective-postinstall(?:\s*\|\|\s*(?:true|exit 0))?)\s*$/.test(script);
}
