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
