// What the browser tests share: start the real legalaid binary in demo mode on a
// free port, launch Debian's Chromium through playwright-core, and stop both
// afterwards (checking that legalaid exits cleanly on SIGTERM).
//
// A test file calls useLegalaidServer() once at top level; that registers the
// before/after hooks. `node --test` runs each test file in its own process, so
// each file gets its own server and its own demo database.
//
// `base` and `browser` are live bindings: they are set by the before hook, so
// read them inside tests, not at module top level.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const DEMO_PASSWORD = 'Legalaid@2024';
export const ADMIN_PASSWORD = 'Yeji#Center2024';
export const DEMO_USERS = ['sysadmin', 'supervisor', 'reviewer', 'director', 'clerk', 'lawyer', 'quality'];
export const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;          // the legalaid child process
let serverExit;      // promise of { code, signal } once the child has exited
let serverLog = '';  // everything the child printed on stdout and stderr
let dataDir;
export let base;     // http://127.0.0.1:PORT
export let browser;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function serverOutput() {
  return `\n----- legalaid output -----\n${serverLog || '(nothing)'}\n----- end of legalaid output -----`;
}

// Ask the kernel for a free TCP port by binding port 0, then release it.
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function legalaidBin() {
  const bin = process.env.LEGALAID_BIN;
  if (!bin) {
    throw new Error('LEGALAID_BIN is not set: point it at the legalaid binary, '
      + 'e.g. LEGALAID_BIN=target/debug/legalaid (scripts/test.sh sets it)');
  }
  const resolved = path.resolve(bin);
  try {
    fs.accessSync(resolved, fs.constants.X_OK);
  } catch {
    throw new Error(`LEGALAID_BIN=${bin} is not an executable file (looked at ${resolved})`);
  }
  return resolved;
}

// How long the server may take to start: a debug build loads the demo's year of
// activity (thousands of transactions through the application's own code) in
// about 90 s on two cores, a release build in a few seconds.
const START_SECONDS = (() => {
  const s = Number(process.env.LEGALAID_START_SECONDS);
  return Number.isFinite(s) && s > 0 ? s : 300;
})();

// Poll GET /healthz until it answers 200, the child dies, or START_SECONDS pass.
async function waitForHealthy() {
  const deadline = Date.now() + START_SECONDS * 1000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`legalaid exited during start-up (code ${server.exitCode}, `
        + `signal ${server.signalCode})${serverOutput()}`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`legalaid did not answer 200 on ${base}/healthz within ${START_SECONDS} s${serverOutput()}`);
}

// A test whose failure also prints what the server said.
export function serverTest(name, fn, { timeout = 120_000 } = {}) {
  test(name, { timeout }, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      console.error(`test "${name}" failed${serverOutput()}`);
      throw err;
    }
  });
}

// Fill in the sign-in form and submit it; resolves once the next page has loaded.
export async function signIn(page, username, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

export const pathOf = (page) => new URL(page.url()).pathname;

// GB 11643 resident ID number: 17 digits and a MOD 11-2 check character.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
export function residentId(first17) {
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * ID_WEIGHTS[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// The server's data directory (its SMS file sink is sms-sink.jsonl there).
export const serverDataDir = () => dataDir;

// Register the hooks that start legalaid and Chromium before the file's tests and
// stop them after. Call once, at the top level of a test file.
export function useLegalaidServer() {
  test.before(async () => {
    const bin = legalaidBin();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'legalaid-browser-'));
    const env = { ...process.env, LEGALAID_ADMIN_PASSWORD: ADMIN_PASSWORD };
    delete env.LEGALAID_DATABASE_URL; // demo mode must use its own SQLite file in dataDir
    server = spawn(bin, ['serve', '--demo', '--bind', `127.0.0.1:${port}`, '--data-dir', dataDir],
      { env, stdio: ['ignore', 'pipe', 'pipe'] });
    serverExit = new Promise((resolve) => server.once('exit', (code, signal) => resolve({ code, signal })));
    server.stdout.on('data', (chunk) => { serverLog += chunk; });
    server.stderr.on('data', (chunk) => { serverLog += chunk; });
    server.on('error', (err) => { serverLog += `\nspawn error: ${err.message}\n`; });
    await waitForHealthy();
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  test.after(async () => {
    await browser?.close();
    try {
      // A server that already died has been reported by the hook or test that saw it.
      if (server && server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM');
        let timer;
        const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), 10_000); });
        const result = await Promise.race([serverExit, timeout]);
        clearTimeout(timer);
        if (result === 'timeout') server.kill('SIGKILL');
        assert.notEqual(result, 'timeout', `legalaid did not exit within 10 s of SIGTERM${serverOutput()}`);
        assert.deepEqual(result, { code: 0, signal: null },
          `legalaid should exit with code 0 on SIGTERM${serverOutput()}`);
      }
    } finally {
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    }
  });
}
