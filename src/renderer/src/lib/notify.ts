// Notifications: always a toast; with `desktop`, also the Notification API (a
// desktop notification in Electron, the browser's in browser mode) once the
// user has allowed it. Never asked for unprompted: see requestNotifications().
import { pushToast } from '../store/actions';
import type { Toast } from '../store/store';

export function notify(level: Toast['level'], message: string, desktop: boolean): void {
  pushToast(level, message);
  if (!desktop || typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    new Notification('Pipewright', { body: message });
  } catch {
    // Some contexts (a page without a user gesture yet) refuse; the toast stands.
  }
}

/** Asks for permission (from a click on "Desktop notifications"). */
export async function requestNotifications(): Promise<NotificationPermission | 'unsupported'> {
  if (typeof Notification === 'undefined') return 'unsupported';
  if (Notification.permission !== 'default') return Notification.permission;
  return Notification.requestPermission();
}
