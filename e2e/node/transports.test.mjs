// End-to-end: the official MCP TypeScript SDK client against the jfrog-mcp
// binary in sandbox mode, over each transport a real client uses: stdio,
// legacy SSE (/sse + /message) and streamable HTTP (/mcp).
//
//   JFROG_MCP_BIN=/path/to/jfrog-mcp node --test e2e/node/transports.test.mjs
//
// The SDK validates every tool result's structuredContent against the
// outputSchema it cached from tools/list. The tests make sure that validation
// is live (a validator is cached for each tool and rejects a broken payload)
// and also validate explicitly with the SDK's own Ajv validator, so a schema
// mismatch fails here rather than in an agent.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';

import {
  REQUEST_TIMEOUT_MS,
  SHUTDOWN_TIMEOUT_MS,
  STARTUP_TIMEOUT_MS,
  TailBuffer,
  alive,
  binaryPath,
  startHTTPServer,
  track,
  untrack,
  waitFor,
  withTimeout,
} from './harness.mjs';

// Fails the whole file at once, with the reason, when JFROG_MCP_BIN is unset.
const BIN = binaryPath();

const TEST_TIMEOUT_MS = REQUEST_TIMEOUT_MS + 5_000;
const HOOK_TIMEOUT_MS = STARTUP_TIMEOUT_MS + REQUEST_TIMEOUT_MS * 2 + 5_000;
const REQ = { timeout: REQUEST_TIMEOUT_MS };

// A file for upload_artifact, in a directory every server is given as its
// only local root.
const LOCAL_ROOT = mkdtempSync(join(tmpdir(), 'jfrog-mcp-e2e-'));
const UPLOAD_SIZE = 4 << 20;
const UPLOAD_FILE = join(LOCAL_ROOT, 'big.bin');
writeFileSync(UPLOAD_FILE, randomBytes(UPLOAD_SIZE));
after(() => rmSync(LOCAL_ROOT, { recursive: true, force: true }));

const EXPECTED_TOOLS = ['get_platform_info', 'list_repositories', 'get_artifact_info'];
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'];

// The servers get the environment without JFROG_* variables, so a developer's
// or CI's JFrog settings (mode, toolsets, URL) cannot change what the sandbox
// does.
function serverEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('JFROG_')) env[k] = v;
  }
  return env;
}

// Each transport: how to start a server (if it is separate from the
// transport) and build the client transport for it.
const TRANSPORTS = [
  {
    name: 'stdio',
    async open(bin) {
      const stderr = new TailBuffer();
      const transport = new StdioClientTransport({
        command: bin,
        args: ['--sandbox', '--local-roots', LOCAL_ROOT],
        env: serverEnv(),
        stderr: 'pipe',
      });
      transport.stderr.on('data', (d) => stderr.write(d));
      return {
        transport,
        stderr,
        // The transport owns the child; after connect we know its pid.
        onConnected() {
          track(transport.pid);
          this.pid = transport.pid;
        },
        async shutdown(client) {
          const pid = this.pid;
          const started = Date.now();
          await withTimeout(client.close(), SHUTDOWN_TIMEOUT_MS, 'client.close() over stdio');
          await waitFor(() => !alive(pid), SHUTDOWN_TIMEOUT_MS, `stdio server pid ${pid} to exit`);
          untrack(pid);
          // StdioClientTransport ends stdin, waits up to 2 s, then sends
          // SIGTERM: exiting well before that means the server stopped on EOF.
          const took = Date.now() - started;
          assert.ok(took < 1_900, `server took ${took} ms to exit after stdin closed (expected to stop on EOF)`);
        },
        async kill() {
          if (this.pid && alive(this.pid)) {
            try {
              process.kill(this.pid, 'SIGKILL');
            } catch {
              // gone
            }
          }
          untrack(this.pid);
        },
      };
    },
  },
  {
    name: 'sse',
    async open(bin) {
      const srv = await startHTTPServer(bin, serverEnv(), ['--local-roots', LOCAL_ROOT]);
      const transport = new SSEClientTransport(new URL(`${srv.baseUrl}/sse`));
      return httpHandle(srv, transport);
    },
  },
  {
    name: 'streamable-http',
    async open(bin) {
      const srv = await startHTTPServer(bin, serverEnv(), ['--local-roots', LOCAL_ROOT]);
      const transport = new StreamableHTTPClientTransport(new URL(`${srv.baseUrl}/mcp`));
      return httpHandle(srv, transport, async () => {
        // DELETE the session the way a polite client does; must not fail.
        await withTimeout(transport.terminateSession(), REQUEST_TIMEOUT_MS, 'terminateSession (DELETE /mcp)');
      });
    },
  },
];

function httpHandle(srv, transport, beforeClose) {
  return {
    transport,
    stderr: srv.stderr,
    onConnected() {},
    async shutdown(client) {
      if (beforeClose) await beforeClose();
      await withTimeout(client.close(), SHUTDOWN_TIMEOUT_MS, 'client.close()');
      const res = await srv.stop();
      assert.ok(!res.forced, `server did not exit within ${SHUTDOWN_TIMEOUT_MS} ms of SIGTERM`);
      assert.deepEqual(
        { code: res.code, signal: res.signal },
        { code: 0, signal: null },
        'server should exit 0 on SIGTERM',
      );
    },
    async kill() {
      await srv.stop();
    },
  };
}

/** Runs fn; on failure, appends the tail of the server's stderr. */
async function withServerLog(handle, fn) {
  try {
    await fn();
  } catch (err) {
    const log = handle?.stderr?.toString().slice(-4_000) ?? '';
    if (log && err && typeof err === 'object') {
      const extra = `\n--- server stderr (tail) ---\n${log}`;
      try {
        err.message += extra;
        if (typeof err.stack === 'string') err.stack += extra;
      } catch {
        // read-only message: leave it
      }
    }
    throw err;
  }
}

/** Parses the JSON error a failed tool call carries in its text content. */
function parseToolError(result) {
  const text = result.content?.find((c) => c.type === 'text')?.text;
  assert.equal(typeof text, 'string', `error result has no text content: ${JSON.stringify(result)}`);
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    assert.fail(`error text is not JSON (${err.message}): ${text}`);
  }
  assert.ok(parsed && typeof parsed.error === 'object', `error text has no "error" object: ${text}`);
  return parsed.error;
}

for (const spec of TRANSPORTS) {
  describe(`jfrog-mcp over ${spec.name}`, { timeout: HOOK_TIMEOUT_MS * 2 }, () => {
    const ajv = new AjvJsonSchemaValidator();
    const validators = new Map(); // tool name -> our own compiled output validator
    let handle;
    let client;
    let negotiated;
    let tools = [];
    const clientErrors = [];
    let closed = false;

    // A call that must succeed and return structured content that matches the
    // tool's output schema, checked both by the SDK (inside callTool) and by
    // our own validator.
    async function callOK(name, args) {
      const result = await client.callTool({ name, arguments: args }, undefined, REQ);
      assert.notEqual(result.isError, true, `${name} failed: ${JSON.stringify(result.content)}`);
      assert.ok(
        result.structuredContent && typeof result.structuredContent === 'object',
        `${name} returned no structuredContent`,
      );
      const v = validators.get(name);
      assert.ok(v, `no output validator for ${name}: tools/list must come first`);
      const check = v(result.structuredContent);
      assert.ok(check.valid, `${name} structuredContent does not match its outputSchema: ${check.errorMessage}`);
      return result;
    }

    before(async () => {
      handle = await spec.open(BIN);
      const { transport } = handle;
      // Record the protocol version the client settles on (the SDK hands it
      // to the transport right after initialize).
      const setPV = transport.setProtocolVersion?.bind(transport);
      transport.setProtocolVersion = (v) => {
        negotiated = v;
        setPV?.(v);
      };
      client = new Client({ name: 'jfrog-mcp-e2e', version: '0.0.0' });
      client.onerror = (err) => clientErrors.push(err);
      await withServerLog(handle, async () => {
        await client.connect(transport, REQ);
        handle.onConnected();
        // List tools now: the SDK caches each tool's output validator here,
        // and every callTool below relies on it.
        ({ tools } = await client.listTools(undefined, REQ));
        // Our own copy of each output validator, from the SDK's Ajv provider.
        for (const t of tools) if (t.outputSchema) validators.set(t.name, ajv.getValidator(t.outputSchema));
      });
    }, { timeout: HOOK_TIMEOUT_MS });

    after(async () => {
      try {
        if (client && !closed) await withTimeout(client.close(), SHUTDOWN_TIMEOUT_MS, 'client.close()').catch(() => {});
      } finally {
        await handle?.kill();
      }
    }, { timeout: HOOK_TIMEOUT_MS });

    it('negotiates the latest protocol and reports server info', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withServerLog(handle, async () => {
        assert.equal(negotiated, LATEST_PROTOCOL_VERSION, 'negotiated protocol version');
        const info = client.getServerVersion();
        assert.equal(info?.name, 'jfrog-mcp');
        assert.equal(typeof info?.version, 'string');
        assert.ok(info.version.length > 0, 'server version is empty');
        assert.ok(client.getServerCapabilities()?.tools, 'server does not advertise the tools capability');
        const instructions = client.getInstructions() ?? '';
        assert.match(instructions, /get_platform_info/, 'instructions should point at get_platform_info');
      });
    });

    it('lists tools with object input schemas, output schemas and all four hints', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withServerLog(handle, async () => {
        assert.ok(tools.length > 0, 'no tools listed');
        const names = tools.map((t) => t.name);
        assert.equal(new Set(names).size, names.length, `duplicate tool names: ${names}`);
        for (const want of EXPECTED_TOOLS) assert.ok(names.includes(want), `missing tool ${want}; got ${names}`);

        for (const t of tools) {
          assert.ok(t.description && t.description.length > 0, `${t.name}: empty description`);
          assert.equal(t.inputSchema?.type, 'object', `${t.name}: inputSchema.type`);
          assert.ok(t.outputSchema && typeof t.outputSchema === 'object', `${t.name}: no outputSchema`);
          assert.equal(t.outputSchema.type, 'object', `${t.name}: outputSchema.type`);
          for (const h of HINTS) {
            assert.equal(typeof t.annotations?.[h], 'boolean', `${t.name}: annotation ${h} is not set`);
          }
        }
      });
    });

    it('keeps output validation active in the client', { timeout: TEST_TIMEOUT_MS }, async () => {
      // The SDK keeps validators in a (TypeScript-)private method; the SDK is
      // pinned, so reaching in is stable, and it is the only way to prove
      // callTool really checks structuredContent.
      assert.equal(
        typeof client.getToolOutputValidator,
        'function',
        'this SDK version no longer exposes getToolOutputValidator: update the test',
      );
      for (const t of tools) {
        const v = client.getToolOutputValidator(t.name);
        assert.equal(typeof v, 'function', `SDK cached no output validator for ${t.name}`);
        // A payload of the wrong type must be rejected: the schema constrains.
        assert.equal(v('not an object').valid, false, `${t.name}: outputSchema accepts a string`);
      }
    });

    it('get_platform_info: sandbox, write mode, artifactory reachable', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withServerLog(handle, async () => {
        const { structuredContent: sc } = await callOK('get_platform_info', {});
        assert.equal(sc.sandbox, true, 'sandbox');
        assert.equal(sc.policy?.mode, 'write', 'policy.mode');
        assert.ok(Array.isArray(sc.surfaces), 'surfaces is not an array');
        const art = sc.surfaces.find((s) => s.name === 'artifactory');
        assert.ok(art, `no artifactory surface: ${JSON.stringify(sc.surfaces)}`);
        assert.equal(art.reachable, true, `artifactory unreachable: ${JSON.stringify(art)}`);

        // The client's validator rejects a broken copy of a real payload.
        const broken = { ...sc, surfaces: 'not-an-array' };
        assert.equal(client.getToolOutputValidator('get_platform_info')(broken).valid, false,
          'outputSchema of get_platform_info accepts surfaces of the wrong type');
      });
    });

    it('list_repositories: a non-empty page with has_more', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withServerLog(handle, async () => {
        const { structuredContent: sc } = await callOK('list_repositories', {});
        assert.ok(Array.isArray(sc.items), 'items is not an array');
        assert.ok(sc.items.length > 0, 'no repositories in the sandbox');
        assert.equal(typeof sc.has_more, 'boolean', 'has_more');
        for (const r of sc.items) assert.equal(typeof r.key, 'string', `repository without key: ${JSON.stringify(r)}`);

        // Paging: a one-item page of a multi-repository sandbox says so.
        if (sc.items.length > 1) {
          const { structuredContent: page } = await callOK('list_repositories', { limit: 1 });
          assert.equal(page.items.length, 1, 'limit=1');
          assert.equal(page.has_more, true, 'limit=1 of several repositories: has_more');
          assert.equal(page.next_offset, 1, 'limit=1: next_offset');
        }
      });
    });

    // Repository keys are looked up before a call is decided: an unknown key
    // is not_found (not the policy's refusal), with a hint, before anything
    // else is sent.
    it('get_artifact_info on an unknown repository: not_found with a hint', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withServerLog(handle, async () => {
        // callTool would throw if an error result carried structuredContent
        // that broke the output schema.
        const result = await client.callTool(
          { name: 'get_artifact_info', arguments: { repo: 'no-such-repo-e2e', path: 'a/b.txt' } },
          undefined,
          REQ,
        );
        assert.equal(result.isError, true, `expected isError: ${JSON.stringify(result)}`);
        const err = parseToolError(result);
        assert.equal(err.code, 'not_found', `error code: ${JSON.stringify(err)}`);
        assert.match(err.message, /repository no-such-repo-e2e does not exist/);
        assert.match(err.hint ?? '', /list_repositories/, `hint: ${JSON.stringify(err)}`);
      });
    });

    it('upload_artifact reports progress the client can reset its timeout on', { timeout: TEST_TIMEOUT_MS }, async () => {
      await withServerLog(handle, async () => {
        const progress = [];
        const result = await client.callTool(
          { name: 'upload_artifact', arguments: { repo: 'generic-local', path: `e2e/${spec.name}/big.bin`, local_path: UPLOAD_FILE } },
          undefined,
          { ...REQ, onprogress: (p) => progress.push(p), resetTimeoutOnProgress: true },
        );
        assert.notEqual(result.isError, true, `upload_artifact failed: ${JSON.stringify(result.content)}`);
        assert.equal(result.structuredContent?.verified, true, 'verified');
        assert.ok(progress.length >= 1, 'no progress notification arrived before the result');
        let last = 0;
        for (const p of progress) {
          assert.ok(p.progress > last, `progress went from ${last} to ${p.progress}`);
          last = p.progress;
          assert.equal(p.total, 2 * UPLOAD_SIZE, 'total: hashing, then sending');
        }
        assert.equal(progress[0].message, 'hashing');
        // A notification arriving after the result would be reported by the
        // SDK as progress for an unknown token: the next test sees it.
        await new Promise((r) => setTimeout(r, 100));
      });
    });

    it('saw no transport or protocol errors', { timeout: TEST_TIMEOUT_MS }, () => {
      assert.deepEqual(clientErrors.map((e) => String(e?.message ?? e)), []);
    });

    it('shuts down cleanly', { timeout: SHUTDOWN_TIMEOUT_MS * 2 + REQUEST_TIMEOUT_MS }, async () => {
      await withServerLog(handle, async () => {
        closed = true;
        await handle.shutdown(client);
      });
    });
  });
}
