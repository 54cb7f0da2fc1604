// Expiring a huge orphan prefix with S3 lifecycle rules instead of deleting it
// from the desktop: the rules are shown (with the bucket's own, which are kept)
// before anything is written, and applying needs the bucket's name typed.
import { useEffect, useState } from 'react';
import { expireByLifecycle } from './artifacts-store';
import { DangerDialog } from './DangerDialog';

type Preview = NonNullable<Awaited<ReturnType<typeof expireByLifecycle>>>;

export function LifecycleDialog({ bucket, prefix, onClose }: { bucket: string; prefix: string; onClose: () => void }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    void expireByLifecycle(bucket, prefix).then((p) => (p ? setPreview(p) : onClose()));
  }, [bucket, prefix, onClose]);
  return (
    <DangerDialog
      title={`Let S3 expire s3://${bucket}/${prefix}`}
      testId="lifecycle-dialog"
      confirmLabel="Apply the rules"
      confirmTestId="lifecycle-apply"
      canConfirm={!!preview && typed === bucket}
      onClose={onClose}
      onConfirm={() => void expireByLifecycle(bucket, prefix, typed).then((r) => r && onClose())}
    >
      <p className="small">
        These rules make S3 delete every version under the prefix, then the delete markers left behind, server-side within a day or two, at no request cost. Nothing is deleted from here, and progress is not shown: audit again later. The bucket&apos;s {preview ? preview.before.length : '…'} existing rules are kept.
      </p>
      <pre className="code small" data-testid="lifecycle-rules">
        {preview ? JSON.stringify(preview.added, null, 2) : 'Reading the bucket’s lifecycle rules…'}
      </pre>
      <input type="text" className="wide" aria-label="Bucket name" placeholder={bucket} value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="lifecycle-confirm-name" />
    </DangerDialog>
  );
}
