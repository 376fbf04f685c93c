// The district's progress against its target and against time on a phone: the
// supervisor opens 办案进度, sees each unit beside 序时进度 with its counts and
// the two charts, goes down to a judicial office and on to the cases counted,
// and back up; opens an open 督办 beside a lagging line and last month's
// bulletin and the year's report forms; every page fits a 375 px screen without JavaScript.
//
// Run with: LEGALAID_BIN=target/debug/legalaid node --test tests/browser/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  DEMO_PASSWORD, OUT_DIR, base, browser, pathOf, serverTest, signIn, useLegalaidServer,
} from './harness.mjs';

useLegalaidServer();

async function fitsThePhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 375, `${what}: the page is ${width}px wide on a 375px screen`);
}

serverTest('the supervisor follows the district down to the cases counted, on a phone', async () => {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await signIn(page, 'supervisor', DEMO_PASSWORD);
    assert.equal(pathOf(page), '/');
    await Promise.all([page.waitForNavigation(), page.locator('nav a', { hasText: '办案进度' }).first().click()]);
    assert.equal(pathOf(page), '/supervision');
    assert.match(await page.locator('h1').textContent(), /年办案进度/);
    // The district's 260, split to the center and the offices, each unit a line.
    const facts = await page.locator('section.panel dd').allTextContents();
    assert.match(facts[0], /\/ 260$/, JSON.stringify(facts));
    assert.ok(facts.some((f) => f.includes('已分解 260 / 260') || f.includes('已全部分解')), JSON.stringify(facts));
    const rows = await page.locator('table tbody tr').allTextContents();
    assert.ok(rows.some((r) => /法律援助中心[\s\S]*\/ \d+/.test(r)), JSON.stringify(rows));
    // Some offices lag, and the demo's supervisor has put some under 督办.
    assert.ok(rows.some((r) => r.includes('（落后）')), JSON.stringify(rows));
    assert.ok(rows.some((r) => r.includes('督办中')), JSON.stringify(rows));
    assert.equal(await page.locator('svg.chart').count(), 2, 'completion by unit and the monthly trend');
    await fitsThePhone(page, 'the district');
    await page.screenshot({ path: path.join(OUT_DIR, 'supervision-phone.png'), fullPage: true });

    // Down to a judicial office, then to the cases its count is made of.
    await Promise.all([page.waitForNavigation(), page.locator('table tbody tr a', { hasText: '史河街道司法所' }).first().click()]);
    assert.match(await page.locator('h1').textContent(), /史河街道司法所/);
    await fitsThePhone(page, 'an office');
    await Promise.all([page.waitForNavigation(), page.locator('a.button', { hasText: '计入的案件' }).click()]);
    assert.equal(pathOf(page), '/supervision/cases');
    const heading = await page.locator('section.block h2').first().textContent();
    const total = Number((heading.match(/（(\d+)）/) || [])[1]);
    assert.ok(total > 0, `the office took cases in this year: ${heading}`);
    await fitsThePhone(page, 'the cases counted');
    // Back up to the district.
    await Promise.all([page.waitForNavigation(), page.locator('a.button', { hasText: '返回办案进度' }).click()]);
    await Promise.all([page.waitForNavigation(), page.locator('a.button', { hasText: '上一级' }).click()]);
    assert.match(await page.locator('h1').textContent(), /叶集区/);

    // An open 督办 beside its line: the order, its figures and its notice.
    await Promise.all([page.waitForNavigation(), page.locator('table tbody tr a', { hasText: '督办中' }).first().click()]);
    assert.match(pathOf(page), /^\/supervision\/orders\/\d+$/);
    assert.match(await page.locator('h1').textContent(), /督办：/);
    assert.ok((await page.locator('body').textContent()).includes('序时进度'));
    assert.equal(await page.locator('a', { hasText: '督办通知书（PDF）' }).count(), 1);
    await fitsThePhone(page, 'a supervision order');
    await page.screenshot({ path: path.join(OUT_DIR, 'supervision-order-phone.png'), fullPage: true });

    // Last month's bulletin, issued with its number, its units ranked.
    await Promise.all([page.waitForNavigation(), page.locator('nav a', { hasText: '通报' }).first().click()]);
    assert.equal(pathOf(page), '/supervision/bulletins');
    await Promise.all([page.waitForNavigation(), page.locator('table tbody tr a').first().click()]);
    assert.match(await page.locator('.badge').first().textContent(), /已印发/);
    assert.ok((await page.locator('body').textContent()).includes('叶司援通〔'), 'the number');
    assert.ok((await page.locator('table tbody tr').count()) > 0, 'the ranked units');
    await fitsThePhone(page, 'a bulletin');
    await page.screenshot({ path: path.join(OUT_DIR, 'bulletin-phone.png'), fullPage: true });

    // The year's report forms from the district's page: every check passes,
    // each form listed, and the workbook offered.
    await page.goto(`${base}/supervision`);
    await Promise.all([page.waitForNavigation(), page.locator('a.button', { hasText: '统计报表' }).click()]);
    assert.equal(pathOf(page), '/supervision/report-forms');
    const body = await page.locator('body').textContent();
    assert.match(body, /全部\d+条表内、表间关系校验通过/);
    assert.ok(body.includes('统计报表六：民事法律援助案件情况'), 'the civil table');
    assert.equal(await page.locator('a', { hasText: '导出Excel（报表格式）' }).count(), 1);
    await fitsThePhone(page, 'the report forms');
    await page.screenshot({ path: path.join(OUT_DIR, 'report-forms-phone.png'), fullPage: true });
  } finally {
    await context.close();
  }
});
