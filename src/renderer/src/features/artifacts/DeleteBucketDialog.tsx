// Deleting a whole unused bucket: its name typed, and in a production account (or
// one whose production is unknown) the account's word as well, named by the main
// process. The main process deletes it only if the audit allows it
// (shared/artifacts/eligibility.ts) and a live re-check finds it empty and still unused.
import { useState } from 'react';
import { BucketNameInput, DangerDialog, ProductionWordInput } from '../../lib/DangerDialog';
import { deleteBucket } from './artifacts-actions';
import { useArtifactsStore } from './artifacts-store';
import { useAccountsNow } from './use-accounts-now';

export function DeleteBucketDialog({ bucket, onClose }: { bucket: string; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const [prodTyped, setProdTyped] = useState('');
  const accountId = useArtifactsStore((s) => s.report?.buckets.find((b) => b.name === bucket)?.accountId);
  const [account] = useAccountsNow(accountId ? [accountId] : []) ?? [];
  const word = account?.productionWord ?? null;
  return (
    <DangerDialog
      title={`Delete bucket s3://${bucket}`}
      testId="bucket-confirm"
      confirmLabel="Delete bucket"
      confirmTestId="bucket-delete"
      canConfirm={typed === bucket && !!account && (word === null || prodTyped.trim() === word)}
      onClose={onClose}
      onConfirm={() => void deleteBucket(bucket, typed, prodTyped).then((gone) => gone && onClose())}
    >
      <p>
        No pipeline uses this bucket. It is deleted only if it is empty now (every version and delete marker gone) and still unused. Type its name to confirm.
      </p>
      <BucketNameInput bucket={bucket} value={typed} onChange={setTyped} testId="bucket-confirm-name" autoFocus />
      {!account && <p className="muted small">Checking the bucket&apos;s account…</p>}
      {word !== null && (
        <ProductionWordInput
          word={word}
          unknown={account?.productionVerdict === 'unknown'}
          value={prodTyped}
          onChange={setProdTyped}
          testId="bucket-confirm-prod"
        />
      )}
    </DangerDialog>
  );
}
