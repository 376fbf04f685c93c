// End-to-end walk of one legal aid matter through the real pages, in Chromium:
// the clerk registers the applicant and receives the application, the director
// grants it, opens the case and assigns the demo lawyer, the lawyer signs the
// agreement, records progress and submits the closure, and the director approves
// the closure; the archived case page must then show the subsidy and fit a phone.
//
// Run with: LEGALAID_BIN=target/debug/legalaid node --test tests/browser/
// (scripts/test.sh builds the binary and does this for you.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEMO_PASSWORD, OUT_DIR, base, browser, pathOf, residentId, serverTest, signIn, useLegalaidServer,
} from './harness.mjs';

useLegalaidServer();

// Today in China Standard Time (UTC+8, no daylight saving), as YYYY-MM-DD: the
// server dates everything by the Chinese calendar day.
const chinaToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

// A fresh signed-in browser context for one account.
async function signedIn(username, contextOptions = {}) {
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  await signIn(page, username, DEMO_PASSWORD);
  assert.equal(pathOf(page), '/', `${username}: sign-in should land on /, got ${page.url()}`);
  return { context, page };
}

// What a page says went wrong: the form error and every field error.
async function pageErrors(page) {
  const texts = await page.locator('[role=alert], .form-error, .field-error').allTextContents();
  return texts.map((t) => t.trim()).filter(Boolean);
}

// Submit the form posting to `action` by clicking its submit button and wait for
// the next page; fail with the page's error messages unless it lands on a path
// matching `expected` (a RegExp) and answers 200.
async function submit(page, action, expected) {
  const button = page.locator(`main form[action="${action}"] button[type=submit]`);
  assert.equal(await button.count(), 1, `${page.url()}: expected one form posting to ${action}`);
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  const where = pathOf(page);
  if (!expected.test(where) || response?.status() !== 200) {
    const h1 = (await page.locator('h1').allTextContents()).join(' / ');
    assert.fail(`submitting ${action}: landed on ${where} (HTTP ${response?.status()}), `
      + `expected ${expected}; h1: ${h1}; errors: ${JSON.stringify(await pageErrors(page))}`);
  }
  return where;
}

// Follow the link with this exact text inside <main> and wait for the next page.
async function follow(page, label, expectedPath) {
  const link = page.locator('main a').filter({ hasText: new RegExp(`^${label}$`) });
  assert.equal(await link.count(), 1,
    `${page.url()}: expected one link "${label}", the page offers `
    + JSON.stringify(await page.locator('main a.button').allTextContents()));
  await Promise.all([page.waitForNavigation(), link.click()]);
  assert.equal(pathOf(page), expectedPath, `after clicking "${label}"`);
}

// The value shown for a fact ("label: value" rows in <dl class=facts>) of a panel.
async function fact(page, panelTitle, label) {
  const panel = page.locator('main section.panel').filter({
    has: page.locator('h2', { hasText: new RegExp(`^${panelTitle}$`) }),
  });
  const row = panel.locator('dl.facts > div').filter({
    has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }),
  });
  assert.equal(await row.count(), 1, `${page.url()}: panel "${panelTitle}" has no single fact "${label}"`);
  return (await row.locator('dd').textContent()).trim();
}

// The status badge next to the heading of an application or case page.
const badge = async (page) => (await page.locator('main .head-row .badge').textContent()).trim();

// The demo lawyer's own staff record and unit, from the JSON API.
async function lawyerAccount() {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'lawyer', password: DEMO_PASSWORD }),
  });
  const loginBody = await login.text();
  assert.equal(login.status, 200, `POST /api/v1/auth/login for lawyer: ${loginBody}`);
  const { token } = JSON.parse(loginBody);
  const me = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  const meBody = await me.text();
  assert.equal(me.status, 200, `GET /api/v1/me for lawyer: ${meBody}`);
  const user = JSON.parse(meBody);
  assert.ok(user.staff_id != null, `the demo lawyer account has no staff record: ${JSON.stringify(user)}`);
  return { staffId: String(user.staff_id), unitId: String(user.unit_id) };
}

serverTest('an application goes from intake to closure through the pages', async (t) => {
  const today = chinaToday();
  // 叶集区 (341504), born 1986-03-03, sequence 9xx: the demo applicants use
  // sequences below 300, so this cannot clash with them; xx varies per run.
  const idNumber = residentId(`34150419860303` + `9${String(Date.now()).slice(-2)}`);
  const applicant = `端到端${String(Date.now()).slice(-4)}`;
  const contexts = [];
  try {
    // ---- The clerk registers the applicant. ----
    const clerk = await signedIn('clerk');
    contexts.push(clerk.context);
    let page = clerk.page;
    await page.goto(`${base}/persons/new`);
    await page.fill('input[name=name]', applicant);
    await page.selectOption('select[name=id_type]', 'resident_id');
    await page.fill('input[name=id_number]', idNumber);
    await page.fill('input[name=phone]', '13955550123');
    await page.fill('input[name=address]', '叶集区史河街道');
    await page.locator('input[name=groups][value=migrant_worker]').check();
    const personPath = await submit(page, '/persons', /^\/persons\/\d+$/);
    const personId = personPath.split('/').pop();
    assert.equal((await page.locator('main h1').textContent()).trim(), applicant);
    const details = page.locator('main dl.detail > div');
    assert.ok(await details.filter({ hasText: '出生日期' }).filter({ hasText: '1986-03-03' }).count(),
      'the birth date should be taken from the ID number');
    assert.ok(await details.filter({ hasText: '人群类别' }).filter({ hasText: '农民工' }).count(),
      'the person page should list the group 农民工');

    // ---- The clerk receives the application: a migrant worker's wage claim. ----
    // The applicant is found by name (a search, not a long list) and chosen.
    await page.goto(`${base}/applications/new`);
    await page.fill('input[name=find]', applicant);
    await Promise.all([
      page.waitForURL(/\/applications\/new\?find=/),
      page.click('form[action="/applications/new"] button[type=submit]'),
    ]);
    await Promise.all([
      page.waitForURL(new RegExp(`/applications/new\\?applicant_id=${personId}$`)),
      page.click(`a[href="/applications/new?applicant_id=${personId}"]`),
    ]);
    assert.equal(await page.inputValue('select[name=applicant_id]'), personId);
    await page.selectOption('select[name=channel]', 'walk_in');
    await page.selectOption('select[name=matter_code]', 'labor_remuneration');
    await page.selectOption('select[name=service_form]', 'labor_arbitration');
    await page.selectOption('select[name=procedural_role]', 'applicant');
    await page.fill('input[name=opposing_party]', '某建筑劳务有限公司');
    await page.fill('textarea[name=summary]', '申请人在工地务工，被拖欠工资共计一万二千元，多次催要未果。');
    await page.selectOption('select[name=means_kind]', 'exemption');
    await page.selectOption('select[name=exemption_code]', 'migrant_worker_wage_or_injury');
    await page.check('input[name=exemption_proof_provided]');
    const appPath = await submit(page, '/applications', /^\/applications\/\d+$/);
    assert.equal(await badge(page), '审查中');
    assert.match(await fact(page, '申请情况', '申请人'), new RegExp(`^${applicant}（`));
    assert.match(await fact(page, '申请情况', '经济状况'), /^免予核查：.*（已提交证明材料）$/);
    assert.equal((await page.locator('main .panel.verdict-eligible .lead').textContent()).trim(), '符合法律援助条件',
      'the assessment should find the application eligible');
    const applicationNumber = (await page.locator('main h1').textContent()).trim();

    // ---- The director grants it and opens the case (立案). ----
    const director = await signedIn('director');
    contexts.push(director.context);
    page = director.page;
    await page.goto(`${base}${appPath}`);
    await follow(page, '作出决定', `${appPath}/decision`);
    await page.selectOption('select[name=outcome]', 'granted');
    await page.fill('textarea[name=reason]', '农民工请求支付劳动报酬，免予核查经济困难状况。');
    await submit(page, `${appPath}/decision`, new RegExp(`^${appPath}$`));
    assert.equal(await badge(page), '给予法律援助');
    assert.equal(await fact(page, '审查与决定', '决定'), '给予法律援助');

    await follow(page, '立案', `${appPath}/case`);
    assert.ok(await page.locator('main h1').filter({ hasText: applicationNumber }).count(),
      'the 立案 page should name the application');
    const casePath = await submit(page, `${appPath}/case`, /^\/cases\/\d+$/);
    assert.equal(await badge(page), '待指派');
    assert.match(await fact(page, '基本情况', '受援人'), new RegExp(`^${applicant}（`));

    // ---- The director assigns the demo lawyer (or, failing that, a colleague
    // in the lawyer's firm, so that the lawyer account can work the case). ----
    const lawyer = await lawyerAccount();
    await follow(page, '指派', `${casePath}/assign`);
    const offered = await page.locator('select[name=handler] option').evaluateAll(
      (options) => options.map((o) => ({ value: o.value, label: o.textContent.trim() })).filter((o) => o.value));
    assert.ok(offered.length > 0, 'the assignment offers no eligible handler');
    const chosen = offered.find((o) => o.value === `${lawyer.unitId}:${lawyer.staffId}`)
      ?? offered.find((o) => o.value.startsWith(`${lawyer.unitId}:`))
      ?? offered[0];
    t.diagnostic(`assigning ${chosen.label} (${chosen.value}); the demo lawyer is staff ${lawyer.staffId} `
      + `of unit ${lawyer.unitId}`);
    await page.selectOption('select[name=handler]', chosen.value);
    await submit(page, `${casePath}/assign`, new RegExp(`^${casePath}$`));
    assert.equal(await badge(page), '已指派，待签订委托协议');
    const handlerName = chosen.label.replace(/（.*$/, '');
    assert.match(await fact(page, '基本情况', '承办人'), new RegExp(`^${handlerName}`));

    // ---- The lawyer signs the agreement, records a meeting, submits the closure. ----
    const handler = await signedIn('lawyer');
    contexts.push(handler.context);
    page = handler.page;
    await page.goto(`${base}${casePath}`);
    await follow(page, '签订委托协议', `${casePath}/agreement`);
    assert.equal(await page.inputValue('input[name=signed_on]'), today, 'the signing date defaults to today');
    await submit(page, `${casePath}/agreement`, new RegExp(`^${casePath}$`));
    assert.equal(await badge(page), '承办中');
    assert.equal(await fact(page, '基本情况', '委托协议签订日期'), today);

    await follow(page, '登记办理进展', `${casePath}/progress`);
    await page.selectOption('select[name=activity]', 'meeting');
    await page.fill('input[name=occurred_on]', today);
    await page.fill('textarea[name=note]', '在中心接待室约见受援人，了解欠薪情况，收集工资条和考勤记录。');
    await submit(page, `${casePath}/progress`, new RegExp(`^${casePath}$`));
    const progressRows = page.locator('main section.block').filter({
      has: page.locator('h2', { hasText: /^办理进展记录$/ }),
    }).locator('tbody tr');
    assert.equal(await progressRows.count(), 1, 'one progress entry should be listed');
    assert.ok(await progressRows.filter({ hasText: today }).filter({ hasText: '会见（约见）受援人' }).count(),
      `the progress entry should read ${today} 会见（约见）受援人`);

    await follow(page, '提交结案材料', `${casePath}/closure`);
    await page.selectOption('select[name=outcome]', 'mediation');
    await page.fill('input[name=ended_on]', today);
    await page.fill('input[name=amount_yuan]', '12000');
    await page.selectOption('select[name=adoption]', 'adopted');
    await page.fill('textarea[name=report]', '经劳动争议仲裁委员会主持调解，用人单位同意一次性支付拖欠工资12000元。');
    await page.selectOption('select[name=flat_item]', 'mediation');
    await submit(page, `${casePath}/closure`, new RegExp(`^${casePath}$`));
    assert.equal(await badge(page), '已提交结案材料，待审查');
    assert.equal(await fact(page, '结案', '办理结果'), '调解结案');
    assert.equal(await fact(page, '结案', '挽回损失或获得利益'), '12,000.00元');

    // ---- The director approves the closure; the case is archived with its subsidy. ----
    page = director.page;
    await page.goto(`${base}${casePath}`);
    await follow(page, '审查结案材料', `${casePath}/closure-review`);
    await page.selectOption('select[name=decision]', 'approve');
    await page.fill('textarea[name=reason]', '材料齐全，同意结案。');
    await submit(page, `${casePath}/closure-review`, new RegExp(`^${casePath}$`));
    assert.equal(await badge(page), '已结案归档');
    assert.equal(await fact(page, '基本情况', '状态'), '已结案归档');
    assert.equal(await fact(page, '办案补贴', '补贴金额'), '800.00元',
      'a mediation flat item pays 800 yuan under the shipped example schedule');
    assert.equal(await fact(page, '办案补贴', '补贴状态'), '待发放');

    // ---- The archived case page on a phone. ----
    const phone = await signedIn('director', { viewport: { width: 375, height: 740 } });
    contexts.push(phone.context);
    await phone.page.goto(`${base}${casePath}`);
    assert.equal(await badge(phone.page), '已结案归档');
    fs.mkdirSync(OUT_DIR, { recursive: true });
    await phone.page.screenshot({ path: path.join(OUT_DIR, 'case-phone.png'), fullPage: true });
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the case page is ${width}px wide; it should fit in 375px without scrolling sideways`);
  } finally {
    for (const context of contexts) await context.close();
  }
});
