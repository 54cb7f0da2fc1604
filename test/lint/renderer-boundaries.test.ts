// The renderer's boundary rules (eslint-rules/renderer-boundaries.js), through
// ESLint's RuleTester with file names where the rules look.
import path from 'node:path';
import { describe, it } from 'vitest';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
// @ts-expect-error: a plain-JS ESLint plugin without types
import { rendererBoundaries } from '../../eslint-rules/renderer-boundaries.js';

RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });
const at = (file: string) => path.resolve(import.meta.dirname, '../../src/renderer/src', file);
const rules = (rendererBoundaries as { rules: Record<string, Parameters<RuleTester['run']>[1]> }).rules;

tester.run('feature-through-index', rules['feature-through-index'], {
  valid: [
    { filename: at('features/designer/OpenDialog.tsx'), code: "import { useExplorerStore } from '../explorer';" },
    { filename: at('features/designer/OpenDialog.tsx'), code: "import { useExplorerStore } from '../explorer/index';" },
    { filename: at('features/designer/OpenDialog.tsx'), code: "import { openLivePipeline } from './designer-actions';" },
    { filename: at('app/App.tsx'), code: "import { ExplorerPage } from '../features/explorer';" },
    { filename: at('app/App.tsx'), code: "import { goTo } from '../store/actions';" },
  ],
  invalid: [
    {
      filename: at('features/designer/OpenDialog.tsx'),
      code: "import { useExplorerStore } from '../explorer/explorer-store';",
      errors: [{ messageId: 'internals' }],
    },
    { filename: at('app/App.tsx'), code: "const P = () => import('../features/designer/DesignerPage');", errors: [{ messageId: 'internals' }] },
    { filename: at('store/reset.ts'), code: "export { resetExplorerStore } from '../features/explorer/explorer-store';", errors: [{ messageId: 'internals' }] },
  ],
});

tester.run('component-no-api', rules['component-no-api'], {
  valid: [
    { filename: at('features/artifacts/PlanCard.tsx'), code: "import { runPlan } from './artifacts-actions';" },
    { filename: at('features/artifacts/PlanCard.tsx'), code: "import { cancelJob } from '../../store/actions';" },
    { filename: at('features/artifacts/PlanCard.tsx'), code: "import type { JobInfo } from '../../../../shared/api/contract';" },
    // A type is not a call: the status bar names the connection's states.
    { filename: at('app/StatusBar.tsx'), code: "import type { ConnectionState } from '../api';" },
  ],
  invalid: [
    { filename: at('features/artifacts/PlanCard.tsx'), code: "import { api } from '../../api/current';", errors: [{ messageId: 'api' }] },
    { filename: at('app/StatusBar.tsx'), code: "import { type ConnectionState, api } from '../api';", errors: [{ messageId: 'api' }] },
    { filename: at('features/artifacts/PlanCard.tsx'), code: "import { call, cancelJob } from '../../store/actions';", errors: [{ messageId: 'call' }] },
  ],
});
