// The page's connection to the app server, under the test's control: every
// browser-mode socket goes through here, so a test can take the page offline
// (sockets cut, reconnects refused) and bring it back, and read what the page
// says about its connection (the status bar, the reload banner).
import { expect, type Page, type WebSocketRoute } from '@playwright/test';

export class PageConnection {
  private offline = false;
  private open = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  /** Sockets the page opened (refused ones included). */
  attempts = 0;

  constructor(readonly page: Page) {}

  /** Routes the page's sockets through the test; call before the page loads. */
  async install(): Promise<void> {
    await this.page.routeWebSocket(/\/rpc/, (ws) => {
      this.attempts++;
      if (this.offline) return void ws.close({ code: 4001, reason: 'offline (the test)' });
      const pair = { page: ws, server: ws.connectToServer() };
      this.open.add(pair);
      ws.onClose(() => this.open.delete(pair));
      pair.server.onClose(() => this.open.delete(pair));
    });
  }

  /** Cuts every socket, both ways, and refuses new ones until goOnline(). */
  async goOffline(): Promise<void> {
    this.offline = true;
    for (const pair of [...this.open]) {
      this.open.delete(pair);
      await Promise.all([pair.page.close({ code: 4001, reason: 'offline (the test)' }), pair.server.close()]);
    }
    await expect(this.status).toContainText('Disconnected');
  }

  async goOnline(): Promise<void> {
    this.offline = false;
  }

  get status() {
    return this.page.getByTestId('status-connection');
  }

  get lostBanner() {
    return this.page.getByTestId('session-lost');
  }

  /** The toast the page shows once it has started its session again. */
  get restartedNotice() {
    return this.page.getByTestId('toast-info').filter({ hasText: /session, so the page started it again/ });
  }
}
