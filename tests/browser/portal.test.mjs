// The public portal on a phone-width screen (375 px), without signing in: a
// person checks eligibility, proves their phone with the code texted to them
// (read from the server's SMS file sink), applies online with a photo, gets the
// number, and after the center's grant queries the progress and downloads the
// decision letter; then files an anonymous complaint. No page may be wider than
// the screen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEMO_PASSWORD, OUT_DIR, base, browser, pathOf, residentId, serverDataDir, serverTest, useLegalaidServer,
} from './harness.mjs';

useLegalaidServer();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const sinkLines = () => {
  const sink = path.join(serverDataDir(), 'sms-sink.jsonl');
  return fs.existsSync(sink)
    ? fs.readFileSync(sink, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    : [];
};

// The first text message to `phone` containing `needle` among those written
// after the first `after` lines, waiting for the server's delivery worker.
async function textTo(phone, needle, after = 0) {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    const hit = sinkLines().slice(after).find((l) => l.address === phone && String(l.body).includes(needle));
    if (hit) return String(hit.body);
    await sleep(300);
  }
  assert.fail(`no text message to ${phone} containing "${needle}" within 45 s`);
}

// The code texted to `phone` after the first `after` lines of the sink.
async function codeTo(phone, after) {
  const body = await textTo(phone, '验证码为', after);
  const code = body.split('验证码为')[1].slice(0, 6);
  assert.match(code, /^\d{6}$/, body);
  return code;
}

async function fitsThePhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `${what}: the page is ${width}px wide on a 375px screen`);
}

async function submitForm(page, action) {
  const button = page.locator(`main form[action="${action}"] button[type=submit]`);
  assert.equal(await button.count(), 1, `${page.url()}: one form posting to ${action}`);
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response;
}

async function api(pathname, { method = 'GET', token, body } = {}) {
  const res = await fetch(`${base}${pathname}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  return { status: res.status, json };
}

serverTest('a person checks, applies with a photo, follows the grant and complains, on a phone', async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, javaScriptEnabled: false });
  const page = await context.newPage();

  // The self-check.
  await page.goto(`${base}/public/`);
  await fitsThePhone(page, 'home');
  await Promise.all([page.waitForNavigation(), page.locator('main a', { hasText: '条件自测' }).first().click()]);
  assert.equal(pathOf(page), '/public/check');
  await page.selectOption('select[name=township]', '341504100');
  await page.selectOption('select[name=matter_code]', 'labor_remuneration');
  await page.selectOption('select[name=means]', 'declaration');
  await page.fill('input[name=members]', '3');
  await page.fill('input[name=monthly_income_yuan]', '1500');
  let res = await submitForm(page, '/public/check');
  assert.equal(res.status(), 200);
  assert.match(await page.locator('main').textContent(), /符合法律援助条件/);
  await fitsThePhone(page, 'self-check result');
  await page.screenshot({ path: path.join(OUT_DIR, 'portal-check.png'), fullPage: true });

  // Prove the phone.
  const phone = '13955512345';
  await page.goto(`${base}/public/apply`);
  await page.fill('input[name=phone]', phone);
  let seen = sinkLines().length;
  res = await submitForm(page, '/public/apply/code');
  assert.equal(res.status(), 200);
  await page.fill('input[name=code]', await codeTo(phone, seen));
  res = await submitForm(page, '/public/apply/verify');
  assert.equal(pathOf(page), '/public/apply');
  assert.match(await page.locator('main').textContent(), /已验证手机号码：139\*\*\*\*2345/);

  // The application with a photo.
  const idNumber = residentId('34150419880808001');
  await page.fill('input[name=name]', '孙八');
  await page.fill('input[name=id_number]', idNumber);
  await page.fill('input[name=address]', '叶集区三元镇');
  await page.selectOption('select[name=township]', '341504100');
  await page.selectOption('select[name=matter_code]', 'labor_remuneration');
  await page.selectOption('select[name=means]', 'declaration');
  await page.fill('input[name=members]', '3');
  await page.fill('input[name=monthly_income_yuan]', '1500');
  await page.fill('input[name=opposing_party]', '某劳务公司');
  await page.fill('textarea[name=summary]', '工地拖欠工资八千元，多次讨要未果。');
  await page.check('input[name=honesty]');
  await page.check('input[name=consent]');
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000a49444154789c63000100000500010d0a2db40000000049454e44ae426082', 'hex');
  await page.setInputFiles('input[name=photos]', { name: '工资条.png', mimeType: 'image/png', buffer: png });
  await fitsThePhone(page, 'application form');
  res = await submitForm(page, '/public/apply');
  assert.equal(res.status(), 200, await page.locator('main').textContent());
  const main = await page.locator('main').textContent();
  assert.match(main, /申请已提交/);
  const number = (await page.locator('.p-facts dd').first().textContent()).trim();
  assert.match(number, /法援申/);
  await textTo(phone, number);
  await fitsThePhone(page, 'application done');
  await page.screenshot({ path: path.join(OUT_DIR, 'portal-applied.png'), fullPage: true });

  // The center sees it in its queue with its 7-day deadline, and the director grants it.
  const login = async (username) => (await api('/api/v1/auth/login', {
    method: 'POST', body: { username, password: DEMO_PASSWORD },
  })).json.token;
  const reviewer = await login('reviewer');
  const queue = await api('/api/v1/work-queue?per_page=200', { token: reviewer });
  const item = queue.json.items.find((i) => i.number === number);
  assert.ok(item, `the application ${number} waits in the center's queue`);
  const list = await api(`/api/v1/applications?q=${encodeURIComponent(number)}`, { token: reviewer });
  const application = list.json.items.find((a) => a.number === number);
  assert.equal(application.channel, 'online');
  assert.equal(application.next_deadline.code, 'review_decision');
  const director = await login('director');
  const decided = await api(`/api/v1/applications/${application.id}/decision`, {
    method: 'POST', token: director, body: { outcome: 'granted', reason: '', version: application.version },
  });
  assert.equal(decided.status, 200, JSON.stringify(decided.json));

  // The progress query and the letter.
  await page.goto(`${base}/public/progress`);
  await page.fill('input[name=number]', number);
  await page.fill('input[name=id_number]', idNumber);
  seen = sinkLines().length;
  res = await submitForm(page, '/public/progress/code');
  assert.equal(res.status(), 200);
  await page.fill('input[name=code]', await codeTo(phone, seen));
  await submitForm(page, '/public/progress/verify');
  assert.equal(pathOf(page), '/public/progress/view');
  assert.match(await page.locator('main').textContent(), /给予法律援助/);
  await fitsThePhone(page, 'progress');
  await page.screenshot({ path: path.join(OUT_DIR, 'portal-progress.png'), fullPage: true });
  const letter = await page.request.get(`${base}/public/progress/letter`);
  assert.equal(letter.status(), 200);
  assert.equal(letter.headers()['content-type'], 'application/pdf');

  // An anonymous complaint.
  await page.goto(`${base}/public/complaint`);
  await Promise.all([page.waitForNavigation(), page.locator('main a', { hasText: '匿名投诉' }).click()]);
  const units = await page.locator('select[name=respondent_unit_id] option').allTextContents();
  const center = units.findIndex((u) => u.includes('法律援助中心'));
  assert.ok(center > 0, JSON.stringify(units));
  await page.selectOption('select[name=respondent_unit_id]', { index: center });
  await page.selectOption('select[name=category]', 'neglect');
  await page.fill('textarea[name=facts]', '工作人员态度冷淡，不一次性告知所需材料。');
  await fitsThePhone(page, 'complaint form');
  res = await submitForm(page, '/public/complaint/form');
  assert.equal(res.status(), 200);
  assert.match(await page.locator('main').textContent(), /投诉已提交/);

  // A survey code from the demo's campaign, answered on the phone in the portal's shell.
  const supervisor = await login('supervisor');
  const campaigns = await api('/api/v1/surveys', { token: supervisor });
  const campaign = campaigns.json.items[0];
  assert.ok(campaign, JSON.stringify(campaigns.json));
  const codes = await api(`/api/v1/surveys/${campaign.id}/codes?unanswered=true&per_page=1`, { token: supervisor });
  const surveyCode = codes.json.items[0].code;
  await page.goto(`${base}/public/surveys/${surveyCode}`);
  await fitsThePhone(page, 'survey');
  const township = await page.locator('main select option').nth(1).getAttribute('value');
  await page.locator('main select').first().selectOption(township);
  // The first choice of every question (an answer to a question whose condition
  // is not met is dropped, not refused).
  for (const fieldset of await page.locator('main fieldset.s-q').all()) {
    const choice = fieldset.locator('input[type=radio], input[type=checkbox]');
    if (await choice.count() > 0) await choice.first().check();
  }
  res = await submitForm(page, `/public/surveys/${surveyCode}`);
  assert.equal(res.status(), 200, await page.locator('main').textContent());
  assert.match(await page.locator('main').textContent(), /您已提交本问卷/);
  await page.screenshot({ path: path.join(OUT_DIR, 'portal-survey.png'), fullPage: true });
  await context.close();
});
