// Deploy: pick a profile and region, review the diff (V1 -> V2 flagged, a
// version conflict caught), confirm, and see the result.
import { useState } from 'react';
import type { DesignDiffView } from '../../../../shared/api/contract';
import { useAccountsStore } from '../accounts';
import { deployDesign, reviewDeploy } from './designer-actions';
import { useDesignStore } from './design-store';

export function DeployDialog({ onClose }: { onClose: () => void }) {
  const accounts = useAccountsStore((s) => s.accounts);
  const design = useDesignStore((s) => s.design);
  const profiles = accounts?.profiles.filter((p) => p.problems.length === 0) ?? [];
  const [profile, setProfile] = useState(design.origin?.profile ?? profiles[0]?.name ?? '');
  const [region, setRegion] = useState(design.origin?.region ?? profiles.find((p) => p.name === profile)?.region ?? 'us-east-1');
  const [diff, setDiff] = useState<DesignDiffView | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);

  const review = async () => {
    setBusy(true);
    setResult(null);
    setDiff((await reviewDeploy(design, profile, region)) ?? null);
    setBusy(false);
  };
  const deploy = async () => {
    if (!diff) return;
    setBusy(true);
    const r = await deployDesign(design, profile, region, diff.liveVersion);
    setBusy(false);
    if (!r) return void review(); // refused (a version conflict, say): show what is live now
    setResult(`${r.created ? 'Created' : 'Updated'} ${r.arn} (version ${r.version}).`);
    setDiff(null);
  };
  return (
    <div className="modal-backdrop">
      <div className="modal deploy" role="dialog" aria-modal="true" aria-labelledby="deploy-h" data-testid="deploy-dialog">
        <h2 id="deploy-h">Deploy {design.pipeline.name}</h2>
        <div className="row">
          <label>
            Profile{' '}
            <select
              value={profile}
              onChange={(e) => {
                setProfile(e.target.value);
                setDiff(null);
              }}
              data-testid="deploy-profile"
            >
              {profiles.map((p) => (
                <option key={p.name}>{p.name}</option>
              ))}
            </select>
          </label>
          <label>
            Region{' '}
            <select
              value={region}
              onChange={(e) => {
                setRegion(e.target.value);
                setDiff(null);
              }}
              data-testid="deploy-region"
            >
              {(accounts?.regions ?? []).map((r) => (
                <option key={r.code}>{r.code}</option>
              ))}
            </select>
          </label>
          <button type="button" className="button secondary" disabled={busy || !profile} onClick={() => void review()} data-testid="deploy-review">
            Compare with live
          </button>
        </div>
        {diff && (
          <div data-testid="deploy-diff">
            <p>
              {diff.creates
                ? 'No such pipeline there: deploying creates it.'
                : diff.changes.length
                  ? `Live version ${diff.liveVersion} differs from this design (drift or edits): deploying updates it.`
                  : `Live version ${diff.liveVersion} matches this design: no drift.`}
            </p>
            {diff.v1ToV2 && <p className="banner banner-warning">This switches the pipeline from V1 to V2, which is priced per action-minute.</p>}
            {diff.conflict && (
              <p className="banner banner-warning" data-testid="deploy-conflict">
                The pipeline changed since this design was exported (now version {diff.liveVersion}). Review the diff carefully.
              </p>
            )}
            <ul className="diff">
              {diff.changes.map((c, i) => (
                <li key={i} className={`diff-${c.kind}`}>
                  {c.message}
                </li>
              ))}
              {!diff.changes.length && <li>No changes.</li>}
            </ul>
          </div>
        )}
        {result && (
          <p className="banner banner-info" data-testid="deploy-result">
            {result}
          </p>
        )}
        <div className="row">
          <button
            type="button"
            className="button"
            disabled={busy || !diff || (!diff.creates && diff.changes.length === 0)}
            onClick={() => void deploy()}
            data-testid="deploy-confirm"
          >
            Deploy
          </button>
          <button type="button" className="link" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
