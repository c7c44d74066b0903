// Process and connection helpers for the end-to-end tests: start the
// jfrog-mcp binary, wait (bounded) until it serves, and make sure nothing it
// started outlives the test run.

import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { isAbsolute, resolve } from 'node:path';

// Every wait in these tests is bounded by one of these.
export const STARTUP_TIMEOUT_MS = 20_000;
export const REQUEST_TIMEOUT_MS = 20_000;
// The server allows in-flight work 5 s, then closes the sandbox in up to 2 s.
export const SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * The binary under test, from JFROG_MCP_BIN. Throws with a clear message when
 * it is unset or not an executable file.
 */
export function binaryPath() {
  const raw = process.env.JFROG_MCP_BIN;
  if (!raw) {
    throw new Error(
      'JFROG_MCP_BIN is not set: build the server (go build -o /tmp/jfrog-mcp ./cmd/jfrog-mcp) ' +
        'and run JFROG_MCP_BIN=/tmp/jfrog-mcp node --test e2e/node/transports.test.mjs, or use scripts/test',
    );
  }
  const bin = isAbsolute(raw) ? raw : resolve(process.cwd(), raw);
  try {
    accessSync(bin, constants.X_OK);
  } catch (err) {
    throw new Error(`JFROG_MCP_BIN=${raw} is not an executable file (${err.code ?? err.message})`);
  }
  return bin;
}

/** Keeps the last `limit` characters written to it, for failure messages. */
export class TailBuffer {
  constructor(limit = 16_384) {
    this.limit = limit;
    this.text = '';
  }
  write(chunk) {
    this.text += chunk.toString();
    if (this.text.length > this.limit) this.text = this.text.slice(-this.limit);
  }
  toString() {
    return this.text;
  }
}

// Children still running when this process exits are killed, whatever
// happened to the hooks.
const children = new Set();
process.on('exit', () => {
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Remembers a child pid so it is killed if the test process exits first. */
export function track(pid) {
  if (pid) children.add(pid);
}

/** Forgets a pid once the child is known to be gone. */
export function untrack(pid) {
  children.delete(pid);
}

/** Whether a process with this pid still exists. */
export function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Resolves when cond() is true; rejects after timeoutMs. */
export async function waitFor(cond, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(25);
  }
}

export function delay(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** p's value, or null if it takes longer than ms; leaves no timer behind. */
function orNull(p, ms) {
  let timer;
  const t = new Promise((r) => {
    timer = setTimeout(() => r(null), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Rejects with a clear message if p does not settle within ms. */
export function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `jfrog-mcp http --sandbox --listen 127.0.0.1:PORT` and resolves once
 * /healthz answers "ok". Retries on a fresh port if the server exits early
 * (the free port may have been taken in between).
 *
 * Returns { baseUrl, child, stderr, stop() }. stop() sends SIGTERM, waits for
 * the exit (bounded), falls back to SIGKILL and resolves with { code, signal }.
 */
export async function startHTTPServer(bin, env = process.env, extraArgs = []) {
  let lastErr;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const stderr = new TailBuffer();
    const child = spawn(bin, ['http', '--sandbox', '--listen', `127.0.0.1:${port}`, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    track(child.pid);
    const stdout = new TailBuffer();
    child.stdout.on('data', (d) => stdout.write(d));
    child.stderr.on('data', (d) => stderr.write(d));
    let exited = null;
    const exitPromise = new Promise((r) => {
      child.once('exit', (code, signal) => {
        exited = { code, signal };
        untrack(child.pid);
        r(exited);
      });
      child.once('error', (err) => {
        exited = { code: null, signal: null, error: err };
        r(exited);
      });
    });
    const baseUrl = `http://127.0.0.1:${port}`;

    const stop = async () => {
      if (exited) return exited;
      child.kill('SIGTERM');
      const res = await orNull(exitPromise, SHUTDOWN_TIMEOUT_MS);
      if (res) return res;
      child.kill('SIGKILL');
      const killed = await orNull(exitPromise, 2_000);
      return { ...(killed ?? { code: null, signal: 'SIGKILL' }), forced: true };
    };

    try {
      await waitFor(
        async () => {
          if (exited) {
            throw new Error(
              `jfrog-mcp http exited before it was ready (code=${exited.code} signal=${exited.signal}` +
                `${exited.error ? ` error=${exited.error.message}` : ''})\n--- stderr ---\n${stderr}`,
            );
          }
          try {
            const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
            const body = await res.text();
            return res.status === 200 && body.trim() === 'ok';
          } catch {
            return false;
          }
        },
        STARTUP_TIMEOUT_MS,
        `${baseUrl}/healthz to answer "ok"`,
      );
      return { baseUrl, child, stderr, stdout, stop, exitPromise };
    } catch (err) {
      lastErr = err;
      await stop();
      // Only a lost race for the port is worth another try.
      if (!/address already in use/i.test(stderr.toString())) break;
    }
  }
  throw lastErr;
}
