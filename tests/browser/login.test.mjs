// End-to-end sign-in tests: start the real legalaid binary in demo mode and
// drive Debian's Chromium through playwright-core.
//
// Run with: LEGALAID_BIN=target/debug/legalaid node --test tests/browser/
// (scripts/test.sh builds the binary and does this for you.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ADMIN_PASSWORD, DEMO_PASSWORD, DEMO_USERS, OUT_DIR, base, browser, pathOf, serverTest, signIn,
  useLegalaidServer,
} from './harness.mjs';

useLegalaidServer();

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
