import { byId } from './dom.js';

const SHOWN_MS = 6000;

/**
 * A short notice in the corner (read out by screen readers), and the browser's notification when
 * the participant allowed them and the page is not in front: for what happens to one's orders
 * without one's own action (a resting order filled, the exchange cancelled one).
 */
export function toast(text: string, kind: 'fill' | 'cancel' | 'info' = 'info'): void {
  const box = byId('toasts');
  const item = document.createElement('div');
  item.className = `toast ${kind}`;
  item.setAttribute('role', 'status');
  item.textContent = text;
  box.append(item);
  setTimeout(() => item.remove(), SHOWN_MS);
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.hidden) {
    new Notification('Mock exchange', { body: text });
  }
}

/** Asks for notifications once, from a click (browsers only ask then). */
export function offerNotifications(button: HTMLButtonElement): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') {
    button.hidden = true;
    return;
  }
  button.hidden = false;
  button.addEventListener('click', () => {
    void Notification.requestPermission().then(() => (button.hidden = true));
  });
}
