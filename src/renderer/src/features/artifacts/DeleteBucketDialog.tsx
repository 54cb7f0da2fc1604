// Deleting a whole unused bucket: its name typed. The main process deletes it
// only if the audit allows it (shared/artifacts/eligibility.ts) and a live
// re-check finds it empty and still unused.
import { useState } from 'react';
import { BucketNameInput, DangerDialog } from '../../lib/DangerDialog';
import { deleteBucket } from './artifacts-actions';

export function DeleteBucketDialog({ bucket, onClose }: { bucket: string; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  return (
    <DangerDialog
      title={`Delete bucket s3://${bucket}`}
      testId="bucket-confirm"
      confirmLabel="Delete bucket"
      confirmTestId="bucket-delete"
      canConfirm={typed === bucket}
      onClose={onClose}
      onConfirm={() => void deleteBucket(bucket, typed).then((gone) => gone && onClose())}
    >
      <p>
        No pipeline uses this bucket. It is deleted only if it is empty now (every version and delete marker gone) and still unused. Type its name to confirm.
      </p>
      <BucketNameInput bucket={bucket} value={typed} onChange={setTyped} testId="bucket-confirm-name" autoFocus />
    </DangerDialog>
  );
}
