#!/usr/bin/env node
// The `pipewright` command. The CLI is built into out/main/cli.js by `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The SDK warns on Node < 22 that its releases from January 2027 will need
// Node 22. Pipewright ships with its SDK version locked, so that is news for
// whoever upgrades the SDK here, not for someone running a command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('pipewright: not built yet. Run "npm run build" (or "npm start") first.');
  process.exit(1);
}
await import(cli.href);
