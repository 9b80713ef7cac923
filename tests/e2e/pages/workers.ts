// Holding the app's Web Workers still, so a journey can press Stop while work is surely under way, whatever the
// machine's speed. Chromium's CPU throttling (Emulation.setCPUThrottlingRate) slows only pages ("Operation is only
// supported for pages, not workers"), and the reading workers check a 200,000-row file in well under a second, so
// the journeys pause them through the DevTools protocol instead: attached to the page's workers (Target.setAutoAttach,
// which attaches to those running too, and to each one started while held, before its first statement:
// waitForDebuggerOnStart), each is paused at its next statement (Debugger.pause: an idle spare pauses when its next
// message comes; a new one when Playwright's own session lets it start). `release` lets them all go on.
import type { CDPSession, Page } from '@playwright/test';

/** A hold on the page's workers; `release` ends it. */
export interface Hold {
  release(): Promise<void>;
}

interface Attached {
  sessionId: string;
  waitingForDebugger: boolean;
}

/** Sends `method` to the worker attached as `sessionId` (a non-flat session) and waits (up to 5 s: a worker the
 *  page stopped meanwhile never answers) for its answer. */
function sendTo(session: CDPSession, sessionId: string, id: number, method: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${method}: no answer`)), 5_000);
    const answer = (event: { sessionId: string; message: string }) => {
      if (event.sessionId !== sessionId) return;
      const reply = JSON.parse(event.message);
      if (reply.id !== id) return;
      clearTimeout(timer);
      session.off('Target.receivedMessageFromTarget', answer);
      if (reply.error) reject(new Error(`${method}: ${reply.error.message}`));
      else resolve();
    };
    session.on('Target.receivedMessageFromTarget', answer);
    session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(reject);
  });
}

/** Pauses every worker of `page` now, and holds every one it starts, until `release`. */
export async function hold(page: Page): Promise<Hold> {
  const session = await page.context().newCDPSession(page);
  const attached: Attached[] = [];
  let id = 0;
  const pausing: Promise<void>[] = [];
  session.on('Target.attachedToTarget', (worker: Attached) => {
    attached.push(worker);
    // A worker the page stops meanwhile never answers, and has nothing left to run.
    const paused = sendTo(session, worker.sessionId, ++id, 'Debugger.enable')
      .then(() => sendTo(session, worker.sessionId, ++id, 'Debugger.pause'))
      .catch(() => undefined);
    pausing.push(paused);
  });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  await Promise.all(pausing);
  return {
    async release() {
      await session.send('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false });
      for (const worker of attached.filter((w) => w.waitingForDebugger)) {
        // A worker the page stopped (terminated) meanwhile is gone: nothing to let go.
        await sendTo(session, worker.sessionId, ++id, 'Runtime.runIfWaitingForDebugger').catch(() => undefined);
      }
      // Detaching resumes the workers paused.
      await session.detach();
    },
  };
}
