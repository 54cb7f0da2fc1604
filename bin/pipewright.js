#!/usr/bin/env node
// The `pipewright` command. The CLI is built into out/main/cli.js by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Pipewright runs on the Node LTS line that Electron 45 embeds: Node 24.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24)
  console.error(
    `pipewright: this is Node ${process.versions.node}; Pipewright is built and tested on Node 24 LTS (package.json "engines"). Node ${major} may fail in ways nobody has seen.`,
  );

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('pipewright: not built yet. Run "npm run build" (or "npm start") first.');
  process.exit(1);
}
await import(cli.href);
