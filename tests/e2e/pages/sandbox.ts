// The local CSM stand-in (tests/csm-sandbox) as a Playwright fixture: each test that asks for `sandbox` gets its
// own server on 127.0.0.1 (an ephemeral port), with fresh in-memory state, and it is stopped when the test ends.
// scripts/test.sh builds the binary first (`cargo build -p csm-sandbox`); CSM_SANDBOX_BIN overrides its path.
import { test as base } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

export const EMAIL = 'admin@example.com';
export const TOKEN = 'sandbox-token';

export type SandboxState = {
  customers: { id: string; email: string; displayName?: string; details: Record<string, string[]> }[];
  organizations: { id: string; name: string; details: Record<string, string[]> }[];
  tasks: { id: string; status: string; items: number; idempotencyKey?: string; failures: number }[];
  stats: {
    apiRequests: number;
    bulkSubmits: number;
    tasksCreated: number;
    idempotentReplays: number;
    keyConflicts: number;
    taskLimitRejections: number;
    faults: Record<string, number>;
    byRoute: Record<string, number>;
  };
};

export class Sandbox {
  constructor(
    readonly url: string,
    private readonly proc: ChildProcess,
  ) {}

  async state(): Promise<SandboxState> {
    const r = await fetch(`${this.url}/_sandbox/state`);
    return (await r.json()) as SandboxState;
  }

  async config(settings: Record<string, unknown>): Promise<void> {
    const r = await fetch(`${this.url}/_sandbox/config`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(settings),
    });
    if (!r.ok) throw new Error(`sandbox config failed: ${r.status} ${await r.text()}`);
  }

  /** Calls the CSM API as an admin script would (for seeding existing profiles). */
  async api(method: string, apiPath: string, body?: unknown): Promise<unknown> {
    const r = await fetch(`${this.url}/jsm/csm/cloudid/test-cloud/api/v1${apiPath}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-ExperimentalApi': 'opt-in',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!r.ok) throw new Error(`sandbox API ${method} ${apiPath}: ${r.status} ${await r.text()}`);
    return r.json();
  }

  stop(): void {
    this.proc.kill('SIGTERM');
  }
}

export async function startSandbox(args: string[] = []): Promise<Sandbox> {
  const bin =
    process.env.CSM_SANDBOX_BIN ?? path.resolve(__dirname, '..', '..', '..', 'target', 'debug', 'csm-sandbox');
  const proc = spawn(bin, ['--port', '0', '--email', EMAIL, '--token', TOKEN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('csm-sandbox did not start within 15 s')), 15_000);
    proc.stdout?.on('data', (chunk: Buffer) => {
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(String(chunk));
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.on('error', (e) => reject(new Error(`csm-sandbox could not start (${bin}): ${e.message}`)));
    proc.on('exit', (code) => reject(new Error(`csm-sandbox exited early with code ${code}`)));
  });
  return new Sandbox(url, proc);
}

/** `test` with a `sandbox` fixture (started with `sandboxArgs`, default fast tasks). */
export const test = base.extend<{ sandboxArgs: string[]; sandbox: Sandbox }>({
  sandboxArgs: [['--task-ms', '300'], { option: true }],
  sandbox: async ({ sandboxArgs }, use) => {
    const s = await startSandbox(sandboxArgs);
    await use(s);
    s.stop();
  },
});
