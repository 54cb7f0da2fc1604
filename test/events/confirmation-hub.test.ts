// Red team, issue 24: a live-updates confirmation is a list of plan ids, and the hub's ids
// (`hub-bus:<region>`, `queue:<region>`, `dlq:<region>`, `queue-policy:<region>`,
// `hub-rule:<region>`) do not name the hub's account. So a `Confirmed` issued for a plan
// whose hub is one account also covers the same plan with its hub in another account:
// assertConfirmed lets it through, and apply creates (remove deletes) there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { startServices } from '../helpers/services';
import { confirm } from '../../src/shared/safety/confirmation';
import { DEV, sandboxClientConfig, type Env } from '../helpers/live-updates';

let env: Env;
beforeAll(async () => {
  env = await startServices({ seed: 'demo', timeScale: 0.002 });
}, 60_000);
afterAll(() => env?.stop());

describe('a confirmation is for one plan', () => {
  it('ids confirmed for a hub in staging do not create a hub in dev', { timeout: 60_000 }, async () => {
    const svc = env.liveUpdates;
    const seenInput = { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }], hubProfile: 'sandbox-staging' };
    const seen = (await svc.plan(seenInput)).resources.map((r) => r.id);
    const request = await svc.setupRequest(seenInput, seen);
    console.log(`confirmed: ${seen.join(', ')}; accounts ${request.accounts.map((a) => a.accountId).join(', ')}`);
    const confirmed = confirm(request, { words: [], production: [] });

    // The same targets, the hub now dev itself (another account than the one the person saw).
    const other = { targets: [{ profile: 'sandbox-dev', regions: ['us-east-1'] }] };
    const outcome = await svc.apply(other, { confirmed, resources: seen }).then(
      (r) => `applied: ${r.outcomes.map((o) => `${o.id}=${o.outcome}@${o.account}`).join(', ')}`,
      (e: Error) => `refused: ${e.message}`,
    );
    console.log(outcome);
    const devBus = await new EventBridgeClient(sandboxClientConfig(env.sb, DEV)).send(new DescribeEventBusCommand({ Name: 'pipewright-events' })).then(
      () => 'created',
      () => 'absent',
    );
    expect(devBus, 'a hub was created in an account whose hub the person never saw').toBe('absent');
    expect(outcome).toMatch(/^refused/);
  });
});
