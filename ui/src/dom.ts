import { esc } from './format.js';

/** The few DOM helpers the screens share. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`the page has no #${id}`);
  return el as T;
}

export function setText(id: string, text: string, className?: string): void {
  const el = byId(id);
  el.textContent = text;
  if (className !== undefined) el.className = className;
}

/** Coalesces redraws to one per animation frame, however many messages arrive in between. */
export function frameScheduler(draw: Record<string, () => void>): (part: string) => void {
  const dirty = new Set<string>();
  let pending = false;
  return (part) => {
    dirty.add(part);
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const parts = [...dirty];
      dirty.clear();
      for (const p of parts) draw[p]?.();
    });
  };
}

/** A table body's one row when it has nothing to list. */
export function emptyRow(columns: number, text: string): string {
  return `<tr><td colspan="${columns}" class="muted">${esc(text)}</td></tr>`;
}

export const signClass = (v: number | null | undefined) => (v === null || v === undefined || v === 0 ? '' : v > 0 ? 'up' : 'down');

/**
 * A row of buttons of which one is chosen, each named by its `data-<key>`: a click marks the chosen
 * one (the `active` look, and `aria-pressed` so a screen reader says which) and hands its value to
 * `choose`. Buttons without the attribute in the row (an action beside the choices) are left alone.
 */
export function chooser(id: string, key: string, choose: (value: string) => void): void {
  const row = byId(id);
  row.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest<HTMLButtonElement>(`button[data-${key}]`);
    if (b === null || !row.contains(b)) return;
    row.querySelectorAll<HTMLButtonElement>(`button[data-${key}]`).forEach((x) => {
      x.classList.toggle('active', x === b);
      x.setAttribute('aria-pressed', String(x === b));
    });
    choose(b.dataset[key]!);
  });
}
