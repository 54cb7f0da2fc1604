// The frame of every dialog that changes AWS (cleanups, approvals, stops): a modal with a title,
// a body that gathers the typed confirmation, one danger button that stays
// disabled until it is given, and Cancel (or Escape).
import type { ReactNode } from 'react';

/** A modal with a title; Escape closes it. */
export function Modal(props: { title: ReactNode; testId: string; onClose: () => void; children: ReactNode }) {
  return (
    <div className="modal-backdrop">
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${props.testId}-h`}
        data-testid={props.testId}
        onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
      >
        <h2 id={`${props.testId}-h`}>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

export function DangerDialog(props: {
  title: ReactNode;
  testId: string;
  confirmLabel: string;
  confirmTestId: string;
  canConfirm: boolean;
  onConfirm: () => void;
  onClose: () => void;
  children: ReactNode;
}) {
  return (
    <Modal title={props.title} testId={props.testId} onClose={props.onClose}>
      {props.children}
      <div className="row">
        <button type="button" className="button danger" disabled={!props.canConfirm} data-testid={props.confirmTestId} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" className="link" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}

/** The typed confirmation most dialogs ask for: the bucket's name, typed in full. */
export function BucketNameInput(props: { bucket: string; value: string; onChange: (v: string) => void; testId: string; autoFocus?: boolean }) {
  return (
    <input
      type="text"
      className="wide"
      aria-label="Bucket name"
      placeholder={props.bucket}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      data-testid={props.testId}
      autoFocus={props.autoFocus}
    />
  );
}

/**
 * An account's production word, as the main process named it (it decides, and checks it
 * again when acting), typed as well as what the dialog asks for. `unknown`: nothing tells
 * whether the account is production, and the word is its id.
 */
export function ProductionWordInput(props: { word: string; unknown: boolean; value: string; onChange: (v: string) => void; testId: string }) {
  return (
    <label>
      {props.unknown ? (
        <>
          Whether account {props.word} is production is not known (no alias could be read, and no setting says): type its id <strong>{props.word}</strong> as
          well
        </>
      ) : (
        <>
          This is a production account: type <strong>{props.word}</strong> as well
        </>
      )}
      <input
        type="text"
        className="wide"
        aria-label="Production word"
        placeholder={props.word}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        data-testid={props.testId}
      />
    </label>
  );
}
