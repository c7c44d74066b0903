// End-to-end: what a web page or a stale client gets from `jfrog-mcp http`.
// A page-like client (raw HTTP with a foreign Origin, text/plain bodies)
// cannot open an SSE stream, post a message or call a tool; session ids are
// checked (made up or ended: 404) with the official SDK's streamable client;
// a confirmation token is good only in the session it was issued to.
//
//   JFROG_MCP_BIN=/path/to/jfrog-mcp node --test e2e/node/http-safety.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { REQUEST_TIMEOUT_MS, STARTUP_TIMEOUT_MS, binaryPath, startHTTPServer, withTimeout } from './harness.mjs';

const BIN = binaryPath();
const REQ = { timeout: REQUEST_TIMEOUT_MS };
const TEST_TIMEOUT_MS = REQUEST_TIMEOUT_MS * 3;
const FOREIGN = 'https://evil.example';
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'page', version: '0' } },
};

function serverEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('JFROG_')) env[k] = v;
  }
  return env;
}

describe('jfrog-mcp http against pages and stale sessions', { timeout: STARTUP_TIMEOUT_MS + TEST_TIMEOUT_MS * 6 }, () => {
  let srv;
  const clients = [];

  before(async () => {
    srv = await startHTTPServer(BIN, serverEnv());
  }, { timeout: STARTUP_TIMEOUT_MS * 2 });

  after(async () => {
    for (const c of clients) await withTimeout(c.close(), REQUEST_TIMEOUT_MS, 'client.close()').catch(() => {});
    await srv?.stop();
  }, { timeout: REQUEST_TIMEOUT_MS * 2 });

  async function connect(sessionId) {
    const transport = new StreamableHTTPClientTransport(new URL(`${srv.baseUrl}/mcp`), sessionId ? { sessionId } : undefined);
    const client = new Client({ name: 'jfrog-mcp-e2e-safety', version: '0.0.0' });
    clients.push(client);
    await client.connect(transport, REQ);
    return { client, transport };
  }

  function raw(path, init = {}) {
    return fetch(`${srv.baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  }

  it('a foreign origin cannot open an SSE stream, post a message or call a tool', { timeout: TEST_TIMEOUT_MS }, async () => {
    const sse = await raw('/sse', { headers: { Origin: FOREIGN } });
    assert.equal(sse.status, 403);
    assert.equal(sse.headers.get('access-control-allow-origin'), null);
    await sse.body?.cancel();

    // The page's simple request: text/plain needs no preflight.
    for (const path of ['/message?sessionId=x', '/mcp']) {
      const res = await raw(path, { method: 'POST', headers: { Origin: FOREIGN, 'Content-Type': 'text/plain' }, body: JSON.stringify(INIT) });
      assert.equal(res.status, 403, path);
      assert.equal(res.headers.get('access-control-allow-origin'), null, path);
    }
    // Even without Origin, text/plain is refused.
    for (const path of ['/message?sessionId=x', '/mcp']) {
      const res = await raw(path, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(INIT) });
      assert.equal(res.status, 415, path);
    }
    // A tool call from a foreign origin with a real session id.
    const { transport } = await connect();
    const call = await raw('/mcp', {
      method: 'POST',
      headers: { Origin: FOREIGN, 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': transport.sessionId, 'Mcp-Protocol-Version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_repositories', arguments: {} } }),
    });
    assert.equal(call.status, 403);
  });

  it('the SSE stream grants no origin', { timeout: TEST_TIMEOUT_MS }, async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${srv.baseUrl}/sse`, { signal: ctrl.signal });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    ctrl.abort();
  });

  it('a made-up session id gets 404', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { client } = await connect('mcp-session-made-up-by-the-client');
    await assert.rejects(client.listTools(undefined, REQ), (err) => {
      assert.equal(err.code, 404, String(err));
      return true;
    });
  });

  it('after DELETE the old session id gets 404', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { client, transport } = await connect();
    const id = transport.sessionId;
    assert.ok(id, 'a session id was issued');
    await client.listTools(undefined, REQ);
    await transport.terminateSession();

    const { client: stale } = await connect(id);
    await assert.rejects(stale.listTools(undefined, REQ), (err) => {
      assert.equal(err.code, 404, String(err));
      return true;
    });
    const res = await raw('/mcp', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'ping' }),
    });
    assert.equal(res.status, 404);
  });

  it('--stateless still serves the SDK streamable client, without a session id', { timeout: TEST_TIMEOUT_MS * 2 }, async () => {
    const stateless = await startHTTPServer(BIN, serverEnv(), ['--stateless']);
    try {
      const transport = new StreamableHTTPClientTransport(new URL(`${stateless.baseUrl}/mcp`));
      const client = new Client({ name: 'jfrog-mcp-e2e-stateless', version: '0.0.0' });
      await client.connect(transport, REQ);
      assert.equal(transport.sessionId, undefined);
      const { tools } = await client.listTools(undefined, REQ);
      assert.ok(tools.length > 0);
      const res = await client.callTool({ name: 'list_repositories', arguments: {} }, undefined, REQ);
      assert.notEqual(res.isError, true, JSON.stringify(res.content));
      await withTimeout(client.close(), REQUEST_TIMEOUT_MS, 'client.close()');
    } finally {
      await stateless.stop();
    }
  });

  it('a confirmation token from session A is refused in session B', { timeout: TEST_TIMEOUT_MS }, async () => {
    const { client: a } = await connect();
    const { client: b } = await connect();
    const args = { repo: 'generic-local', path: 'docs/README.txt' };
    const plan = await a.callTool({ name: 'delete_artifact', arguments: args }, undefined, REQ);
    assert.notEqual(plan.isError, true, JSON.stringify(plan.content));
    const token = plan.structuredContent?.plan?.confirm_token;
    assert.equal(typeof token, 'string', `no confirm_token: ${JSON.stringify(plan.structuredContent)}`);

    const refused = await b.callTool({ name: 'delete_artifact', arguments: { ...args, confirm_token: token } }, undefined, REQ);
    assert.equal(refused.isError, true, `session B used session A's token: ${JSON.stringify(refused)}`);
    assert.match(JSON.stringify(refused.content), /confirm/i, 'refused for the token');
    const info = await b.callTool({ name: 'get_artifact_info', arguments: args }, undefined, REQ);
    assert.notEqual(info.isError, true, 'the file is still there');

    const done = await a.callTool({ name: 'delete_artifact', arguments: { ...args, confirm_token: token } }, undefined, REQ);
    assert.notEqual(done.isError, true, JSON.stringify(done.content));
    assert.equal(done.structuredContent?.deleted, true);
  });
});
