// Modal dialogs on the native <dialog> element: it traps focus, closes on Escape and gives focus
// back to the control that opened it.
import { el } from './dom.js';

function open(dialog) {
  document.body.append(dialog);
  dialog.showModal();
  dialog.addEventListener('close', () => dialog.remove(), { once: true });
}

/** Resolves true when the user confirms, false when they cancel or press Escape. */
export function confirmDialog({ title, message, confirmLabel, danger = false }) {
  return new Promise((resolve) => {
    const heading = el('h2', { id: 'confirm-title' }, title);
    const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': 'confirm-title', id: 'confirm-dialog' },
      heading,
      el('p', {}, message),
      el('form', { method: 'dialog', class: 'dialog-actions' },
        el('button', { value: 'cancel', class: 'button-quiet' }, 'Cancel'),
        el('button', { value: 'confirm', class: danger ? 'button-danger' : 'button-primary', id: 'confirm-yes' },
          confirmLabel)));
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'));
    open(dialog);
  });
}

/**
 * Shows a newly issued API key once, with a copy button. The key exists only in this dialog: it is
 * removed from the page when the dialog closes, and it is never stored.
 */
export function keyDialog(key, { title = 'Your new API key', note } = {}) {
  return new Promise((resolve) => {
    const field = el('input', { id: 'new-key', class: 'key-field', readonly: true, value: key,
      'aria-describedby': 'new-key-warning', spellcheck: 'false', autocomplete: 'off' });
    const copied = el('span', { role: 'status', class: 'copy-status', id: 'copy-status' });
    const copy = el('button', { type: 'button', class: 'button-primary', id: 'copy-key', onclick: async () => {
      try {
        await navigator.clipboard.writeText(key);
        copied.textContent = 'Copied.';
      } catch {
        field.select();
        copied.textContent = 'Copy was refused by the browser: the key is selected, press Ctrl+C.';
      }
    } }, 'Copy');
    const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': 'key-title', id: 'key-dialog' },
      el('h2', { id: 'key-title' }, title),
      note ? el('p', {}, note) : null,
      el('label', { for: 'new-key' }, 'API key'),
      el('div', { class: 'key-row' }, field, copy),
      copied,
      el('p', { class: 'warning', id: 'new-key-warning' },
        'Store this key somewhere safe now: it will not be shown again. Anyone with it can spend your credits.'),
      el('form', { method: 'dialog', class: 'dialog-actions' },
        el('button', { class: 'button-quiet', id: 'key-done' }, 'I have stored it')));
    dialog.addEventListener('close', () => {
      field.value = '';
      resolve();
    });
    open(dialog);
    field.focus();
    field.select();
  });
}
