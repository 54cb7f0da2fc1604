// The designer as other parts of the renderer see it: the page alone, loaded when
// first opened (it brings React Flow, the layout engine and YAML). Other sections
// open a live pipeline in it through the shell (`openInDesigner` in store/actions.ts).
import { lazy } from 'react';

export const DesignerPage = lazy(() => import('./DesignerPage').then((m) => ({ default: m.DesignerPage })));
