// End-to-end release scenario through the official MCP TypeScript SDK client
// over stdio: the jfrog-mcp binary against `jfrog-mcp emulator` in another
// process, whose Xray clock the test drives through the emulator's test-only
// control endpoint (/_emulator/, enabled by JFROG_MCP_EMULATOR_CONTROL=1).
//
//   JFROG_MCP_BIN=/path/to/jfrog-mcp node --test e2e/node/xray.test.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

import { REQUEST_TIMEOUT_MS, STARTUP_TIMEOUT_MS, TailBuffer, binaryPath, delay, track, untrack, waitFor, withTimeout } from './harness.mjs';

const BIN = binaryPath();
const REQ = { timeout: REQUEST_TIMEOUT_MS };
const DIR = mkdtempSync(join(tmpdir(), 'jfrog-mcp-xray-'));
const POLICY = join(DIR, 'policy.yaml');
writeFileSync(POLICY, 'mode: write\ntoolsets: [default, builds, xray]\nrelease_gates:\n  - repos: ["app-prod-local"]\n    block_at: High\n');

function baseEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('JFROG_')) env[k] = v;
  return env;
}

// Starts `jfrog-mcp emulator` on a free loopback port and resolves with its
// URL and admin token from the one line it prints.
async function startEmulator() {
  const stdout = new TailBuffer();
  const stderr = new TailBuffer();
  const child = spawn(BIN, ['emulator', '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...baseEnv(), JFROG_MCP_EMULATOR_CONTROL: '1' },
  });
  track(child.pid);
  child.once('exit', () => untrack(child.pid));
  child.stdout.on('data', (d) => stdout.write(d));
  child.stderr.on('data', (d) => stderr.write(d));
  let m;
  await waitFor(() => (m = /JFROG_URL=(\S+) JFROG_ACCESS_TOKEN=(\S+)/.exec(stdout.toString())) !== null, STARTUP_TIMEOUT_MS, `the emulator's URL line (stderr: ${stderr})`);
  return { url: m[1], token: m[2], child };
}

describe('xray release scenario (stdio)', () => {
  let emu;
  let client;
  let transport;
  const control = (path, init) => fetch(`${emu.url}/_emulator/${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
  const advance = (seconds) => control(`xray/advance?seconds=${seconds}`, { method: 'POST' });
  const requests = async () => (await control('requests')).json();
  const call = async (name, args, opts = {}) => client.callTool({ name, arguments: args }, undefined, { ...REQ, ...opts });
  const json = (res) => {
    assert.ok(!res.isError, `unexpected error: ${JSON.stringify(res.content)}`);
    return res.structuredContent;
  };

  before(async () => {
    emu = await startEmulator();
    transport = new StdioClientTransport({
      command: BIN,
      args: ['--policy', POLICY],
      env: { ...baseEnv(), JFROG_URL: emu.url, JFROG_ACCESS_TOKEN: emu.token },
      stderr: 'pipe',
    });
    const stderr = new TailBuffer();
    transport.stderr.on('data', (d) => stderr.write(d));
    client = new Client({ name: 'e2e-xray', version: '0' });
    await withTimeout(client.connect(transport), STARTUP_TIMEOUT_MS, `connect (stderr: ${stderr})`);
    track(transport.pid);
  }, { timeout: STARTUP_TIMEOUT_MS * 2 });

  after(async () => {
    await client?.close();
    if (transport?.pid) untrack(transport.pid);
    emu?.child.kill('SIGTERM');
    rmSync(DIR, { recursive: true, force: true });
  });

  it('gates a vulnerable release and lets the fixed one through', { timeout: 60_000 }, async () => {
    const vuln = 'release-app/1.0/release-app-1.0.tar.gz';
    const fixed = 'release-app/1.1/release-app-1.1.tar.gz';
    json(await call('upload_artifact', { repo: 'app-staging-local', path: vuln, content_text: 'release 1.0', build_name: 'release-app', build_number: '1' }));
    const first = json(await call('get_scan_status', { repo: 'app-staging-local', path: vuln }));
    assert.equal(first.state, 'not_indexed', 'the scan is pending right after the upload');

    // Xray's clock runs 5x the wall clock while the call waits.
    let ticking = true;
    const ticker = (async () => {
      while (ticking) {
        await delay(200);
        await advance(1);
      }
    })();
    const progress = [];
    let done;
    try {
      done = json(await call('get_scan_status', { repo: 'app-staging-local', path: vuln, wait_seconds: 30 }, {
        onprogress: (p) => progress.push(p),
        resetTimeoutOnProgress: true,
      }));
    } finally {
      ticking = false;
      await ticker;
    }
    assert.equal(done.state, 'done');
    assert.ok(progress.length >= 2, `want at least 2 progress notifications, got ${progress.length}`);

    const gate = json(await call('check_release_gate', { artifacts: [`app-staging-local/${vuln}`], max_severity: 'High' }));
    assert.equal(gate.pass, false);
    assert.match(gate.blocking[0], /XRAY-191800 Critical CVE-2021-44228/);

    const before = (await requests()).length;
    const refused = await call('copy_artifacts', { from_repo: 'app-staging-local', from_path: vuln, to_repo: 'app-prod-local', dry_run: false });
    assert.ok(refused.isError, 'a copy into the gated repository is refused');
    assert.match(refused.content[0].text, /guard_denied/);
    assert.match(refused.content[0].text, /CVE-2021-44228/);
    const sent = (await requests()).slice(before).filter((r) => r.path.startsWith('/artifactory/api/copy/') || r.path.startsWith('/artifactory/app-prod-local/'));
    assert.deepEqual(sent, [], 'the emulator received no copy request');

    // The build that made it: published, scanned by Xray, its promotion refused.
    json(await call('publish_build_info', { name: 'release-app', number: '1', collect_repos: ['app-staging-local'] }));
    json(await call('scan_build', { build_name: 'release-app', build_number: '1' }));
    await advance(10);
    const beforePromote = (await requests()).length;
    const promoteArgs = { name: 'release-app', number: '1', source_repo: 'app-staging-local', target_repo: 'app-prod-local', dry_run: false };
    const promoteRefused = await call('promote_build', promoteArgs);
    assert.ok(promoteRefused.isError, 'a promotion into the gated repository is refused');
    assert.match(promoteRefused.content[0].text, /CVE-2021-44228/);
    const promoted = (await requests()).slice(beforePromote).filter((r) => r.path.startsWith('/artifactory/api/build/promote'));
    assert.deepEqual(promoted, [], 'the emulator received no promotion request');

    json(await call('upload_artifact', { repo: 'app-staging-local', path: fixed, content_text: 'release 1.1', build_name: 'release-app', build_number: '2' }));
    json(await call('publish_build_info', { name: 'release-app', number: '2', collect_repos: ['app-staging-local'] }));
    json(await call('scan_build', { build_name: 'release-app', build_number: '2' }));
    await advance(10);
    const ok = json(await call('check_release_gate', { artifacts: [`app-staging-local/${fixed}`] }));
    assert.equal(ok.pass, true, JSON.stringify(ok));
    const copied = json(await call('copy_artifacts', { from_repo: 'app-staging-local', from_path: fixed, to_repo: 'app-prod-local', dry_run: false }));
    assert.equal(copied.done, true);
    const promotedFixed = json(await call('promote_build', { ...promoteArgs, number: '2' }));
    assert.deepEqual(promotedFixed.items, [fixed]);
  });
});
