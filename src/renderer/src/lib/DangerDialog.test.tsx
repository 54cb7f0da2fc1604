// @vitest-environment jsdom
// The shared Modal keeps focus inside while it is open (Tab and Shift+Tab wrap around,
// focus that lands behind it comes back) and gives it back to its opener on close.
// jsdom does not move focus on Tab by itself: these check the wrap at either end, where
// the dialog takes over; the browser's own order in between is the e2e's to see.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { StrictMode, useState } from 'react';
import { Modal } from './DangerDialog';

afterEach(cleanup);

function Page({ autoFocusLast = false }: { autoFocusLast?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" data-testid="opener" onClick={() => setOpen(true)}>
        Open
      </button>
      <button type="button" data-testid="behind">
        Behind
      </button>
      {open && (
        <Modal title="A dialog" testId="dlg" onClose={() => setOpen(false)}>
          <input aria-label="first" data-testid="first" />
          <button type="button" disabled data-testid="disabled">
            Disabled
          </button>
          <span tabIndex={-1} data-testid="skipped" />
          <button type="button" data-testid="last" autoFocus={autoFocusLast} onClick={() => setOpen(false)}>
            Close
          </button>
        </Modal>
      )}
    </>
  );
}

const tab = (shiftKey = false) => fireEvent.keyDown(document.activeElement!, { key: 'Tab', shiftKey });

describe('Modal focus trap', () => {
  it('takes focus on opening when no child does, and wraps Tab from the last control to the first and Shift+Tab back', () => {
    render(<Page />);
    screen.getByTestId('opener').focus();
    fireEvent.click(screen.getByTestId('opener'));
    expect(document.activeElement).toBe(screen.getByTestId('dlg'));

    // From the dialog itself, Shift+Tab goes to the last control (the disabled one and tabIndex -1 are not reachable).
    expect(tab(true)).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('last'));
    // Tab from the last control: the first, not the page behind.
    expect(tab()).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('first'));
    // Shift+Tab from the first: the last.
    expect(tab(true)).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('last'));
  });

  it('leaves Tab between controls to the browser', () => {
    render(<Page autoFocusLast />);
    fireEvent.click(screen.getByTestId('opener'));
    screen.getByTestId('first').focus();
    // Not prevented: the browser moves on to the next control itself.
    expect(tab()).toBe(true);
    // From an unreachable element in the middle, Shift+Tab goes to the control before it, by the browser.
    screen.getByTestId('skipped').focus();
    expect(tab(true)).toBe(true);
  });

  it('brings back focus that lands behind the dialog', () => {
    render(<Page autoFocusLast />);
    fireEvent.click(screen.getByTestId('opener'));
    expect(document.activeElement).toBe(screen.getByTestId('last'));
    screen.getByTestId('behind').focus();
    expect(document.activeElement).toBe(screen.getByTestId('first'));
  });

  it('lets another modal dialog over it keep focus (an MFA prompt while it is open)', () => {
    render(
      <>
        <Page autoFocusLast />
        <form role="dialog" aria-modal="true" aria-label="MFA">
          <input aria-label="MFA code" data-testid="mfa-code" />
        </form>
      </>,
    );
    fireEvent.click(screen.getByTestId('opener'));
    screen.getByTestId('mfa-code').focus();
    expect(document.activeElement).toBe(screen.getByTestId('mfa-code'));
  });

  it("keeps a child's autoFocus under StrictMode's unmount-and-mount check", () => {
    render(
      <StrictMode>
        <Page autoFocusLast />
      </StrictMode>,
    );
    screen.getByTestId('opener').focus();
    fireEvent.click(screen.getByTestId('opener'));
    expect(document.activeElement).toBe(screen.getByTestId('last'));
  });

  it('answers Tab and Escape when focus fell to the page with a control that went away', () => {
    function Vanishing() {
      const [open, setOpen] = useState(true);
      const [gone, setGone] = useState(false);
      return open ? (
        <Modal title="Vanishing" testId="dlg" onClose={() => setOpen(false)}>
          {!gone && (
            <button type="button" autoFocus data-testid="go" onClick={() => setGone(true)}>
              Go
            </button>
          )}
          <button type="button" data-testid="stay">
            Stay
          </button>
        </Modal>
      ) : null;
    }
    render(<Vanishing />);
    fireEvent.click(screen.getByTestId('go'));
    expect(document.activeElement).toBe(document.body);
    expect(fireEvent.keyDown(document.body, { key: 'Tab' })).toBe(false);
    expect(document.activeElement).toBe(screen.getByTestId('stay'));
    screen.getByTestId('stay').blur();
    fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByTestId('dlg')).toBeNull();
  });

  it('returns focus to the opener on close, by Escape or by a button', () => {
    render(<Page autoFocusLast />);
    screen.getByTestId('opener').focus();
    fireEvent.click(screen.getByTestId('opener'));
    expect(document.activeElement).toBe(screen.getByTestId('last'));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByTestId('dlg')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('opener'));

    fireEvent.click(screen.getByTestId('opener'));
    fireEvent.click(screen.getByTestId('last'));
    expect(screen.queryByTestId('dlg')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('opener'));
  });
});
