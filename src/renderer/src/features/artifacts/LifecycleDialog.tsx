// S3 lifecycle rules instead of deleting from the desktop: a huge orphan prefix
// expires whole, or a live prefix gets retention's age-only form. The rules are
// shown (with the bucket's own, which are kept) before anything is written, and
// applying needs the bucket's name typed (and, for a live prefix, an
// acknowledgement that age is all a rule can express). In a production account, or
// one whose production is unknown, the account's word too: the preview names it.
import { useEffect, useState } from 'react';
import { expireByLifecycle } from './artifacts-actions';
import { BucketNameInput, DangerDialog, ProductionWordInput } from '../../lib/DangerDialog';

type Preview = NonNullable<Awaited<ReturnType<typeof expireByLifecycle>>>;

export function LifecycleDialog({ bucket, prefix, retainDays, onClose }: { bucket: string; prefix: string; retainDays?: number; onClose: () => void }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const [typed, setTyped] = useState('');
  const [prodTyped, setProdTyped] = useState('');
  const [understood, setUnderstood] = useState(false);
  const word = preview?.account.productionWord ?? null;
  const retention = retainDays === undefined ? undefined : { days: retainDays, ageOnlyAcknowledged: understood };
  useEffect(() => {
    void expireByLifecycle(bucket, prefix, undefined, retainDays === undefined ? undefined : { days: retainDays, ageOnlyAcknowledged: false }).then((p) =>
      p ? setPreview(p) : onClose(),
    );
  }, [bucket, prefix, retainDays, onClose]);
  return (
    <DangerDialog
      title={retainDays === undefined ? `Let S3 expire s3://${bucket}/${prefix}` : `Age-only retention for s3://${bucket}/${prefix}`}
      testId="lifecycle-dialog"
      confirmLabel="Apply the rules"
      confirmTestId="lifecycle-apply"
      canConfirm={!!preview && typed === bucket && (word === null || prodTyped.trim() === word) && (retainDays === undefined || understood)}
      onClose={onClose}
      onConfirm={() => void expireByLifecycle(bucket, prefix, typed, retention, prodTyped).then((r) => r && onClose())}
    >
      {retainDays === undefined ? (
        <p className="small">
          These rules make S3 delete every version under the prefix, then the delete markers left behind, server-side within a day or two, at no request cost.
          Nothing is deleted from here, and progress is not shown: audit again later. The bucket&apos;s {preview ? preview.before.length : '…'} existing rules
          are kept.
        </p>
      ) : (
        <>
          <p className="small">
            From now on, S3 deletes every artifact under this live prefix once it is {retainDays} days old, current and non-current versions alike, and keeps
            doing so. The bucket&apos;s {preview ? preview.before.length : '…'} existing rules are kept.
          </p>
          <p className="small banner banner-warning" data-testid="lifecycle-age-only">
            A lifecycle rule knows only age: it cannot keep the last successful executions. If this pipeline does not succeed for {retainDays} days, the
            artifacts of its latest good run, which rollbacks and CodeDeploy need, expire too. The retention plan keeps them; use this rule only for pipelines
            that run more often than that.
          </p>
          <label className="row small">
            <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.target.checked)} data-testid="lifecycle-age-only-ok" /> I understand:
            everything older than {retainDays} days under {prefix} expires.
          </label>
        </>
      )}
      <pre className="code small" data-testid="lifecycle-rules">
        {preview ? JSON.stringify(preview.added, null, 2) : 'Reading the bucket’s lifecycle rules…'}
      </pre>
      <BucketNameInput bucket={bucket} value={typed} onChange={setTyped} testId="lifecycle-confirm-name" />
      {word !== null && (
        <ProductionWordInput
          word={word}
          unknown={preview?.account.productionVerdict === 'unknown'}
          value={prodTyped}
          onChange={setProdTyped}
          testId="lifecycle-confirm-prod"
        />
      )}
    </DangerDialog>
  );
}
