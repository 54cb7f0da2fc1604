// Where Pipewright keeps its files. PIPEWRIGHT_HOME wins (tests use it); the
// Electron entry passes app.getPath('userData'); plain Node falls back to the
// platform's usual config directory.
import { homedir, platform } from 'node:os';
import { join } from 'node:path';

export function defaultHome(): string {
  if (process.env.PIPEWRIGHT_HOME) return process.env.PIPEWRIGHT_HOME;
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Pipewright');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Pipewright');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Pipewright');
  }
}
