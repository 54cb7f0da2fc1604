// Section navigation. Alt+1…6 jumps anywhere; arrow keys move within the list.
import { useRef, type KeyboardEvent } from 'react';
import { SECTIONS } from './sections';
import { goTo } from '../store/actions';
import { useAppStore } from '../store/store';

export function Sidebar() {
  const current = useAppStore((s) => s.section);
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  const onKeyDown = (e: KeyboardEvent, index: number) => {
    const move = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
    if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const i = e.key === 'Home' ? 0 : SECTIONS.length - 1;
      refs.current[i]?.focus();
      goTo(SECTIONS[i].id);
      return;
    }
    if (!move) return;
    e.preventDefault();
    const next = (index + move + SECTIONS.length) % SECTIONS.length;
    refs.current[next]?.focus();
    goTo(SECTIONS[next].id);
  };
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">
        <span className="brand-mark" aria-hidden>
          ⟿
        </span>
        Pipewright
      </div>
      <ul role="tablist" aria-orientation="vertical">
        {SECTIONS.map((s, i) => (
          <li key={s.id}>
            <button
              ref={(el) => {
                refs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${s.id}`}
              aria-selected={current === s.id}
              aria-controls="main-panel"
              tabIndex={current === s.id ? 0 : -1}
              data-testid={`nav-${s.id}`}
              className={current === s.id ? 'nav-item active' : 'nav-item'}
              onClick={() => goTo(s.id)}
              onKeyDown={(e) => onKeyDown(e, i)}
              title={`${s.label} (Alt+${i + 1})`}
            >
              <span className="nav-icon" aria-hidden>
                {s.icon}
              </span>
              <span>{s.label}</span>
              <kbd aria-hidden>{i + 1}</kbd>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
