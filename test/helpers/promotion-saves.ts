// Another process saving promotions into a shared home, for the promotions.json tests (run with jiti, as
// `node node_modules/jiti/lib/jiti-cli.mjs test/helpers/promotion-saves.ts HOME APPLICATION MODE ...`):
//   save PREFIX COUNT   saves COUNT new running promotions PREFIX-1..PREFIX-COUNT, one after another
//   stop ID             saves the promotion ID as stopped, as a stop from this process would
// It prints "ready" once loaded and waits for a line on standard input, so several start their saves together.
import { createInterface } from 'node:readline';
import { ReleaseStore } from '../../src/main/releases/release-store';
import type { Promotion } from '../../src/shared/api/releases';

export function promotion(application: string, id: string, environment = id.replace(/-\d+$/, '')): Promotion {
  return {
    id,
    application,
    environment,
    from: null,
    revision: null,
    status: 'running',
    reason: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    targets: [],
  };
}

async function main(): Promise<void> {
  const [home, application, mode, ...rest] = process.argv.slice(2);
  const store = new ReleaseStore(home);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
  if (mode === 'save') {
    const [prefix, count] = rest;
    for (let i = 1; i <= Number(count); i++) await store.savePromotion(promotion(application, `${prefix}-${i}`));
  } else if (mode === 'stop') {
    const p = (await store.promotions(application)).find((x) => x.id === rest[0]);
    if (!p) throw new Error(`no promotion ${rest[0]}`);
    await store.savePromotion({ ...p, status: 'stopped', reason: 'Stopped from another process.', finishedAt: new Date().toISOString() });
  } else throw new Error(`unknown mode ${mode}`);
  process.stdout.write('done\n');
  process.exit(0);
}

if (process.argv[1]?.endsWith('promotion-saves.ts')) void main();
