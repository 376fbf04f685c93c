// End-to-end sign-in tests: start the real legalaid binary in demo mode and
// drive Debian's Chromium through playwright-core.
//
// Run with: LEGALAID_BIN=target/debug/legalaid node --test tests/browser/
// (scripts/test.sh builds the binary and does this for you.)
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const DEMO_PASSWORD = 'Legalaid@2024';
const ADMIN_PASSWORD = 'Yeji#Center2024';
const DEMO_USERS = ['sysadmin', 'supervisor', 'reviewer', 'director', 'clerk', 'lawyer', 'quality'];
const OUT_DIR = fileURLToPath(new URL('./out/', import.meta.url));
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server;          // the legalaid child process
let serverExit;      // promise of { code, signal } once the child has exited
let serverLog = '';  // everything the child printed on stdout and stderr
let dataDir;
let base;            // http://127.0.0.1:PORT
let browser;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function serverOutput() {
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

// Poll GET /healthz until it answers 200, the child dies, or 60 s pass.
async function waitForHealthy() {
  const deadline = Date.now() + 60_000;
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
  throw new Error(`legalaid did not answer 200 on ${base}/healthz within 60 s${serverOutput()}`);
}

// A test whose failure also prints what the server said.
function serverTest(name, fn) {
  test(name, { timeout: 120_000 }, async (t) => {
    try {
      await fn(t);
    } catch (err) {
      console.error(`test "${name}" failed${serverOutput()}`);
      throw err;
    }
  });
}

// Fill in the sign-in form and submit it; resolves once the next page has loaded.
async function signIn(page, username, password) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

const pathOf = (page) => new URL(page.url()).pathname;

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

serverTest('demo accounts sign in and see the work queue', async () => {
  const accounts = [...DEMO_USERS.map((u) => [u, DEMO_PASSWORD]), ['admin', ADMIN_PASSWORD]];
  for (const [username, password] of accounts) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, username, password);
      assert.equal(pathOf(page), '/', `${username}: after sign-in the URL should be /, got ${page.url()}`);
      const headings = await page.locator('h1').allTextContents();
      assert.ok(headings.some((h) => h.includes('工作台')),
        `${username}: expected an h1 containing 工作台, got ${JSON.stringify(headings)}`);
      const logout = page.locator('nav a[href="/logout"], nav form[action="/logout"][method="post" i]');
      assert.ok(await logout.count() > 0, `${username}: nav has no link or form to /logout`);
    } finally {
      await context.close();
    }
  }
});

serverTest('wrong password shows an error and stays on the sign-in page', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, 'clerk', 'not-the-password');
    assert.equal(pathOf(page), '/login', `expected to stay on /login, got ${page.url()}`);
    const error = page.locator('.form-error, [role=alert]').filter({ hasText: '用户名或密码不正确' });
    assert.ok(await error.count() > 0, 'no .form-error or [role=alert] saying 用户名或密码不正确');
  } finally {
    await context.close();
  }
});

serverTest('home page fits a phone screen', async () => {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
  try {
    const page = await context.newPage();
    await signIn(page, 'clerk', DEMO_PASSWORD);
    assert.equal(pathOf(page), '/');
    fs.mkdirSync(OUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUT_DIR, 'home-phone.png'), fullPage: true });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `page is ${width}px wide; it should fit in 375px without scrolling sideways`);
  } finally {
    await context.close();
  }
});

serverTest('the page loads nothing from outside the server', async () => {
  const context = await browser.newContext();
  try {
    const requested = [];
    context.on('request', (req) => requested.push(req.url()));
    const page = await context.newPage();
    await signIn(page, 'clerk', DEMO_PASSWORD);
    await page.waitForLoadState('networkidle');
    assert.equal(pathOf(page), '/');
    const outside = requested.filter((url) => !url.startsWith(`${base}/`));
    assert.deepEqual(outside, [], `requests to other origins than ${base}`);
  } finally {
    await context.close();
  }
});
