// End-to-end specs read as user stories over page objects: every locator lives in
// e2e/support (one page object per section or dialog), never inline in a spec. A
// cheap guard so it stays true: any Playwright locator call in e2e/*.spec.ts fails here.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const LOCATOR_CALL = /\.(locator|getByRole|getByText|getByTestId|getByLabel|getByPlaceholder|getByTitle|getByAltText)\(/;

/** Each raw locator call of a spec, as "file:line: text". */
function rawLocators(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) => (LOCATOR_CALL.test(line) && !/^\s*\/\//.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
}

describe('e2e specs use page objects only', () => {
  it('finds a raw locator when there is one (the guard itself works)', () => {
    expect(rawLocators('x.spec.ts', "await page.getByTestId('dry-run').click();\n// page.locator('a') in a comment")).toEqual([
      "x.spec.ts:1: await page.getByTestId('dry-run').click();",
    ]);
    expect(rawLocators('x.spec.ts', "await row.locator('input').check();")).toHaveLength(1);
  });

  it('no spec in e2e/ calls page.locator, getByRole, getByText, getByTestId, getByLabel or getByPlaceholder itself', () => {
    const specs = readdirSync('e2e').filter((f) => f.endsWith('.spec.ts'));
    expect(specs.length).toBeGreaterThan(5);
    const found = specs.flatMap((f) => rawLocators(join('e2e', f), readFileSync(join('e2e', f), 'utf8')));
    expect(found, `move these into a page object in e2e/support:\n${found.join('\n')}`).toEqual([]);
  });
});
