#!/usr/bin/env node
// The `pipewright` command. The CLI is built into out/main/cli.js by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('pipewright: not built yet. Run "npm run build" (or "npm start") first.');
  process.exit(1);
}
await import(cli.href);
