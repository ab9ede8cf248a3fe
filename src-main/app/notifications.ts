// Shows the planner's notices as OS notifications; a click opens the window.
import { Notification } from 'electron';
import type { Notice } from './notice-planner.ts';

export function showNotices(notices: readonly Notice[], onClick: () => void): void {
  if (!Notification.isSupported()) return;
  for (const n of notices) {
    const note = new Notification({ title: n.title, body: n.body, urgency: n.urgency, silent: n.urgency !== 'critical' });
    note.on('click', onClick);
    note.show();
  }
}
