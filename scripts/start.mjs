// `npm start`: the Electron app where its binary exists or can be fetched
// (Electron 42+ fetches it at first launch); otherwise the same app in browser
// mode, with a one-line reason.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { browserModeReason } from './browser-mode-reason.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function electronBinary() {
  // Resolving 'electron' downloads the binary on first use; a child keeps a hang or failure contained.
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  const path = r.status === 0 ? r.stdout.trim() : '';
  if (path && existsSync(path)) return { path };
  if (path) return { error: `not found at ${path}` };
  return { error: `${r.stderr ?? ''}${r.error?.message ?? ''}` || 'not installed' };
}

function run(cmd, cmdArgs) {
  const child = spawn(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
  return child;
}

const wantsBrowser = args.includes('--browser') || process.env.PIPEWRIGHT_BROWSER_MODE === '1';
const electron = wantsBrowser ? { error: 'browser mode was asked for' } : electronBinary();
if (electron.path) {
  const child = run(electron.path, ['.', ...args.filter((a) => a !== '--browser')]);
  child.on('error', () => startBrowserMode('the Electron binary did not start'));
} else {
  startBrowserMode(electron.error);
}

function startBrowserMode(failure) {
  run(process.execPath, ['bin/pipewright.js', 'web', '--reason', browserModeReason(failure), ...args.filter((a) => a !== '--browser')]);
}
