// The frame of every dialog that changes AWS (cleanups, approvals, stops): a modal with a title,
// a body that gathers the typed confirmation, one danger button that stays
// disabled until it is given, and Cancel (or Escape).
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

const FOCUSABLE = 'a[href], button, input, select, textarea, summary, [tabindex]';

/** What Tab can reach inside the dialog, in order (visibility checked where the browser can tell it). */
function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) =>
      el.tabIndex >= 0 &&
      !el.matches(':disabled') &&
      !el.closest('[hidden], [inert]') &&
      (typeof el.checkVisibility !== 'function' || el.checkVisibility({ visibilityProperty: true })),
  );
}

const precedes = (a: Node, b: Node) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;

/**
 * A modal with a title; Escape closes it. Focus stays inside while it is open (Tab and
 * Shift+Tab cycle through its controls, never into the page behind, which a screen reader
 * or keyboard user could not see is covered), and returns to what opened it on close.
 */
export function Modal(props: {
  title: ReactNode;
  testId: string;
  onClose: () => void;
  children: ReactNode;
  /** Another class for the dialog box (its width, a scrolling body). */
  className?: string;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  // Read while rendering, before a child's autoFocus moves focus into the dialog.
  const [opener] = useState(() => (document.activeElement instanceof HTMLElement ? document.activeElement : null));
  const onClose = useRef(props.onClose);
  useEffect(() => {
    onClose.current = props.onClose;
  });
  useEffect(() => {
    const root = dialog.current;
    // A dialog whose children focus nothing still takes focus, so Escape and Tab start inside it.
    if (root && !root.contains(document.activeElement)) root.focus();
    // Focus that lands behind the dialog anyway (a click on the backdrop, then Tab) comes back in;
    // another modal dialog over this one (an MFA prompt while a plan is read) keeps it.
    const keepFocusIn = (e: FocusEvent) => {
      const t = e.target;
      if (!root || !(t instanceof Element) || root.contains(t) || t.closest('[aria-modal="true"]')) return;
      (tabbables(root)[0] ?? root).focus();
    };
    // Focus dropped to the page when the control holding it went away (Create, once done, is replaced):
    // keys then reach the document, not the dialog, so the topmost dialog answers them there.
    const strayKey = (e: globalThis.KeyboardEvent) => {
      const at = document.activeElement;
      if (!root || (at && at !== document.body) || e.defaultPrevented) return;
      const modals = document.querySelectorAll('[aria-modal="true"]');
      if (modals[modals.length - 1] !== root) return;
      if (e.key === 'Escape') onClose.current();
      else if (e.key === 'Tab') {
        e.preventDefault();
        const inside = tabbables(root);
        (e.shiftKey ? inside[inside.length - 1] : inside[0])?.focus();
      }
    };
    document.addEventListener('focusin', keepFocusIn);
    document.addEventListener('keydown', strayKey);
    return () => {
      document.removeEventListener('focusin', keepFocusIn);
      document.removeEventListener('keydown', strayKey);
      // Still in the page: React's development check unmounting and mounting again, not a close.
      if (root?.isConnected) return;
      // Only when focus went down with the dialog: a caller that already moved it elsewhere keeps its choice.
      const now = document.activeElement;
      if ((!now || now === document.body || root?.contains(now)) && opener?.isConnected) opener.focus();
    };
  }, [opener]);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') return props.onClose();
    // A dialog opened inside this one has kept focus in itself already.
    if (e.key !== 'Tab' || e.defaultPrevented || !dialog.current) return;
    const root = dialog.current;
    const inside = tabbables(root);
    if (!inside.length) return e.preventDefault();
    const at = document.activeElement ?? root;
    // Past either end, around to the other; in between (also from a control Tab skips, like a tabIndex -1 one), the browser's own order.
    const wrap = e.shiftKey
      ? at === root || !root.contains(at) || !inside.some((el) => el !== at && precedes(el, at))
      : !root.contains(at) || !inside.some((el) => el !== at && precedes(at, el));
    if (!wrap) return;
    e.preventDefault();
    (e.shiftKey ? inside[inside.length - 1] : inside[0]).focus();
  };
  return (
    <div className="modal-backdrop">
      <div
        ref={dialog}
        className={props.className ? `modal ${props.className}` : 'modal'}
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${props.testId}-h`}
        data-testid={props.testId}
        tabIndex={-1}
        onKeyDown={onKeyDown}
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
