/**
 * The words the script analysis looks for, in one place: what counts as a secret, a bypass flag, a runtime, a
 * shell. Each list is from public incident reports of install-time malware (2024–2025) and is matched against
 * literals the parser (or the shell tokenizer) found, never against comments.
 */

/** Paths whose contents are credentials: home dotfiles, cloud and CI credentials, wallets. */
export const SECRET_PATH =
  /(?:^|[\\/'"`\s~])\.(?:npmrc|yarnrc(?:\.yml)?|pypirc|netrc|git-credentials|ssh|aws|azure|kube|docker|gnupg|config[\\/](?:gh|gcloud|solana)|ethereum|electrum|bitcoin|solana|env(?:\.local|\.production)?)(?:$|[\\/'"`\s])|id_(?:rsa|dsa|ecdsa|ed25519)\b|\bcredentials(?:\.json)?\b|\bkeystore\b|\bwallet\.dat\b|Local Storage[\\/]leveldb|\bLogin Data\b|Exodus|MetaMask|nkbihfbeogaeaoehlefnkodbefgpgknn|[\\/]etc[\\/](?:passwd|shadow)\b/i;

/** Environment variables that hold credentials. */
export const SECRET_ENV =
  /(?:TOKEN|SECRET|PASSWORD|PASSWD|PRIVATE_KEY|API_KEY|ACCESS_KEY|AUTH|CREDENTIALS?)(?:_|$)|^(?:AWS|AZURE|GCP|GOOGLE_APPLICATION|NPM_CONFIG__AUTH|GH|GITHUB|GITLAB|CI_JOB)_/i;

/** Flags that switch off an AI coding CLI's permission checks. */
export const AI_BYPASS_FLAG =
  /--(?:dangerously-skip-permissions|yolo|trust-all-tools|dangerously-bypass-approvals-and-sandbox|allow-all-tools|approval-mode[= ]yolo)\b/;

/** AI coding CLIs, by command name. */
export const AI_CLI = /^(?:claude|gemini|q|codex|amp|cursor-agent|qwen|copilot)$/;

/** Secret scanners that only malware runs over a developer's machine at install. */
export const SECRET_SCANNER = /\b(?:trufflehog|gitleaks|detect-secrets|noseyparker)\b/i;

/** Windows script hosts and DLL loaders. */
export const NATIVE_LOADER = /\b(?:rundll32|regsvr32|mshta|cscript|wscript)(?:\.exe)?\b/i;

/** Shell and interpreters that run what is piped into them. */
export const SHELLS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'fish',
  'iex',
  'invoke-expression',
  'cmd',
  'cmd.exe',
  'powershell',
  'powershell.exe',
  'pwsh',
  'python',
  'python3',
  'perl',
  'ruby',
  'node',
  'bun',
  'deno',
]);

/** Programs that fetch from the network. */
export const DOWNLOADERS = new Set(['curl', 'wget', 'iwr', 'irm', 'invoke-webrequest', 'invoke-restmethod', 'fetch', 'aria2c', 'bitsadmin', 'certutil']);

/** Other JavaScript runtimes: running a payload with them hides it from Node-based monitoring. */
export const RUNTIME_HOSTS = /(?:^|\.)(?:bun\.sh|bun\.com|deno\.land|deno\.com)$/i;
export const RUNTIME_URL = /\/oven-sh\/bun\/|\/denoland\/deno\/|\bbun-(?:linux|darwin|windows)-|\bdeno-x86_64/i;

/** The cloud metadata services. */
export const CLOUD_METADATA = /169\.254\.169\.254|metadata\.google\.internal|100\.100\.100\.200|fd00:ec2::254/;

/**
 * Hosts that serve release binaries of well-known projects (GitHub releases, Google's and vendors' CDNs). A
 * platform-binary installer that downloads from one of them (or from the configured registry) is ordinary.
 */
export const RELEASE_HOSTS = [
  'github.com',
  'objects.githubusercontent.com',
  'release-assets.githubusercontent.com',
  'storage.googleapis.com',
  'nodejs.org',
  'download.cypress.io',
  'cdn.cypress.io',
  'downloads.sentry-cdn.com',
  'cdn.playwright.dev',
  'playwright.download.prss.microsoft.com',
  'binaries.prisma.sh',
  'sass.github.io',
] as const;

/** Is `host` one of the release hosts, or a sub-domain of one? */
export const isReleaseHost = (host: string): boolean => RELEASE_HOSTS.some((known) => host === known || host.endsWith(`.${known}`));

/** The host of a URL-looking string, lower-cased; undefined when it is not a URL. */
export function hostOf(text: string): string | undefined {
  const match = /\b(?:https?|wss?|ftp):\/\/([^/\s'"`:?#]+)/i.exec(text);
  return match?.[1]?.toLowerCase();
}
