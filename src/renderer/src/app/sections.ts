// The app's sections, in sidebar order, with what each will do (empty states).
import type { SectionId } from '../../../shared/api/settings';

export interface SectionSpec {
  id: SectionId;
  label: string;
  icon: string;
  purpose: string;
}

export const SECTIONS: readonly SectionSpec[] = [
  {
    id: 'explorer',
    label: 'Explorer',
    icon: '▦',
    purpose: 'Every pipeline in every selected account and region, in one grid: status, last revision and stage health.',
  },
  {
    id: 'designer',
    label: 'Designer',
    icon: '◇',
    purpose: 'Draw a pipeline, see the service rules applied as you go, export CloudFormation, and deploy with a diff.',
  },
  { id: 'executions', label: 'Executions', icon: '▶', purpose: 'Watch executions live across accounts and regions; approve, reject, retry, stop and start.' },
  { id: 'artifacts', label: 'Artifacts', icon: '▤', purpose: 'Audit artifact buckets, find what deleted pipelines left behind, and clean it up safely.' },
  { id: 'releases', label: 'Releases', icon: '⇶', purpose: 'Promote one application through dev, staging and prod accounts in waves.' },
  { id: 'accounts', label: 'Accounts & Settings', icon: '⚙', purpose: 'Profiles and their state, regions to include, the local sandbox, and preferences.' },
];
