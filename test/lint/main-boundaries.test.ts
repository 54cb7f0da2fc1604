// The main process's feature boundary (eslint-rules/main-boundaries.js), through
// ESLint's RuleTester with file names where the rule looks.
import path from 'node:path';
import { describe, it } from 'vitest';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
// @ts-expect-error: a plain-JS ESLint plugin without types
import { mainBoundaries } from '../../eslint-rules/main-boundaries.js';

RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });
const at = (file: string) => path.resolve(import.meta.dirname, '../../src/main', file);
const rules = (mainBoundaries as { rules: Record<string, Parameters<RuleTester['run']>[1]> }).rules;

tester.run('feature-boundaries', rules['feature-boundaries'], {
  valid: [
    { filename: at('releases/service.ts'), code: "import { ReleaseStore } from './release-store';" },
    { filename: at('releases/service.ts'), code: "import type { AwsAccess } from '../aws/access';" },
    { filename: at('compose.ts'), code: "import { ArtifactsService } from './artifacts';" },
    { filename: at('compose.ts'), code: "import { ArtifactsService } from './artifacts/index';" },
    { filename: at('cli/release-command.ts'), code: "import { ReleasesService } from '../releases';" },
    { filename: at('artifacts/service.ts'), code: "import { waitingApprovals } from '../../shared/executions/approvals';" },
    { filename: at('artifacts/service.ts'), code: "import { z } from 'zod';" },
  ],
  invalid: [
    { filename: at('releases/service.ts'), code: "import type { ExecutionsService } from '../executions/service';", errors: [{ messageId: 'internals' }] },
    { filename: at('compose.ts'), code: "import { ReleaseStore } from './releases/release-store';", errors: [{ messageId: 'internals' }] },
    { filename: at('cli/artifacts-command.ts'), code: "export { regionsToCover } from '../artifacts/coverage-calls';", errors: [{ messageId: 'internals' }] },
    { filename: at('app-core.ts'), code: "const h = () => import('./designer/handlers');", errors: [{ messageId: 'internals' }] },
    { filename: at('explorer/service.ts'), code: "export * from '../accounts/service';", errors: [{ messageId: 'internals' }] },
  ],
});
