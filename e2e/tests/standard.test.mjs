// Role D, the group's security standard and its exceptions: the CISO office reads the standard
// by category and tier, with glossary terms explained in place; X社's old verbal agreement shows
// as expired and as non-compliance on NET-01; a company's security lead records an exception to
// a group-mandatory item that only the CISO may approve; B社's viewer never sees X社's exceptions.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clickAndLoad, launch, newPage, pathOf, screenshot, signIn, tag } from './helpers.mjs';

const OFFICE = 'office@a-group.example';
const CISO = 'ciso@a-group.example';
const LEAD_X = 'lead-x@a-group.example';
const VIEWER_B = 'viewer-b@a-group.example';

// People as the demo names them.
const CISO_NAME = '佐藤 浩二';
const LEAD_X_NAME = '加藤 誠';

// The demo's X社 exception to NET-01, recorded long after a verbal agreement and long expired.
const VERBAL_AGREEMENT = '口頭合意';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function escaped(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A date `days` from today as the form's date inputs take it, YYYY-MM-DD (UTC). */
function isoDate(days) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The value next to a label in a `<dl class="facts">`. */
function fact(scope, label) {
  return scope.locator('dl.facts dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
}

/** The table that follows a category's heading on /standard. */
function categoryTable(page, category) {
  return page
    .locator('#items h3', { hasText: new RegExp(`^${escaped(category)}$`) })
    .locator('xpath=following-sibling::table[1]');
}

/** The tier letter shown on an item's row in a category table. */
async function tierOf(table, code) {
  const row = table.locator('tbody tr', { has: table.page().locator(`a:text-is("${code}")`) });
  assert.equal(await row.count(), 1, `${code} has one row`);
  return (await row.locator('.tier').textContent()).trim();
}

test('role D: the standard lists items by category and tier and explains glossary terms in place', async () => {
  const office = await newPage(browser);
  assert.equal(await signIn(office, OFFICE), '/');

  await clickAndLoad(office, office.locator('header nav.main a[href="/standard"]', { hasText: '基準' }));
  assert.equal(pathOf(office), '/standard');
  assert.equal(await office.locator('header nav.main a[href="/standard"]').getAttribute('aria-current'), 'page');
  assert.match(await office.locator('#version .state').textContent(), /承認済み/, 'the approved version is shown');

  // Categories are headings, each with its own table; items sit under theirs with their tier.
  const categories = (await office.locator('#items h3').allTextContents()).map((s) => s.trim());
  for (const c of ['アクセス管理', 'ネットワーク', '認証']) {
    assert.ok(categories.includes(c), `the category ${c} is listed`);
  }
  assert.equal(new Set(categories).size, categories.length, 'each category is listed once');
  assert.equal(await tierOf(categoryTable(office, 'アクセス管理'), 'ACC-03'), 'b');
  assert.equal(await tierOf(categoryTable(office, 'ネットワーク'), 'NET-01'), 'a');
  assert.equal(await categoryTable(office, 'ネットワーク').locator('a:text-is("ACC-03")').count(), 0,
    'ACC-03 is not under another category');

  // The counts per tier in the version's summary are the rows of each tier.
  const rows = await office.locator('#items table.items tbody .tier').allTextContents();
  for (const letter of ['a', 'b', 'c']) {
    const shown = Number(
      await office.locator(`#version .tier-${letter}`).evaluate((el) => el.nextSibling.textContent.trim()),
    );
    assert.equal(shown, rows.filter((r) => r.trim() === letter).length, `the count of tier ${letter}`);
    assert.ok(shown > 0, `the demo has items of tier ${letter}`);
  }
  await screenshot(office, 'standard-office');

  // Filtering by tier a leaves only group-mandatory items: NET-01 stays, ACC-03 (b) goes.
  const filter = office.locator('#items form');
  await filter.locator('select[name="tier"]').selectOption('a');
  await clickAndLoad(office, filter.locator('button[type="submit"]'));
  const tiers = (await office.locator('#items table.items tbody .tier').allTextContents()).map((s) => s.trim());
  assert.ok(tiers.length > 0 && tiers.every((t) => t === 'a'), 'only tier a is listed');
  assert.equal(await office.locator('#items a:text-is("NET-01")').count(), 1);
  assert.equal(await office.locator('#items a:text-is("ACC-03")').count(), 0);

  // And by category: only that heading remains.
  await filter.locator('select[name="tier"]').selectOption('');
  await filter.locator('select[name="category"]').selectOption('アクセス管理');
  await clickAndLoad(office, filter.locator('button[type="submit"]'));
  assert.deepEqual((await office.locator('#items h3').allTextContents()).map((s) => s.trim()), ['アクセス管理']);
  await screenshot(office, 'standard-filtered');

  // The glossary's own explanation of 特権ID, to compare with what the item shows.
  await office.goto('/standard');
  await clickAndLoad(office, office.locator('a[href="/standard/glossary"]'));
  const explanation = (
    await office
      .locator('#terms dt', { hasText: /^特権ID/ })
      .locator('xpath=following-sibling::dd[1]')
      .textContent()
  ).trim();
  assert.match(explanation, /管理者用のアカウント/, 'the glossary explains 特権ID');

  await office.goto('/standard');
  await clickAndLoad(office, office.locator('#items a:text-is("ACC-03")'));
  assert.equal(pathOf(office), '/standard/items/ACC-03');
  assert.match(await office.locator('main h1').textContent(), /ACC-03\s*特権IDの管理/);
  assert.equal((await office.locator('main .lead .tier').textContent()).trim(), 'b');
  assert.equal(await office.locator('#non-compliance').count(), 0, 'no company is non-compliant on ACC-03');

  // The term is marked where it appears, focusable, with its explanation as a tooltip inside.
  const term = office.locator('#item .term', { hasText: /^特権ID/ }).first();
  const tip = term.locator('.explain[role="tooltip"]');
  assert.equal(await term.getAttribute('tabindex'), '0', 'the term can be reached with the keyboard');
  assert.equal((await tip.textContent()).trim(), explanation, 'the tooltip is the glossary\'s explanation');
  assert.equal(await tip.isVisible(), false, 'the explanation is hidden until asked for');

  await term.hover();
  await tip.waitFor({ state: 'visible' });
  assert.ok((await tip.boundingBox()).width > 0, 'hovering shows the explanation');
  await screenshot(office, 'standard-item-term-hover');

  await office.locator('main h1').hover();
  await tip.waitFor({ state: 'hidden' });

  // Keyboard users get it on focus: Tab until the first term has it.
  await office.locator('main h1').click();
  for (let i = 0; i < 40 && !(await term.evaluate((el) => el === document.activeElement)); i++) {
    await office.keyboard.press('Tab');
  }
  assert.ok(await term.evaluate((el) => el === document.activeElement), 'Tab reaches the term');
  await tip.waitFor({ state: 'visible' });

  await office.context().close();
});

test('role D: X社\'s expired verbal agreement is listed as expired and makes NET-01 non-compliant', async () => {
  const office = await newPage(browser);
  assert.equal(await signIn(office, OFFICE), '/');

  await clickAndLoad(office, office.locator('header nav.main a[href="/exceptions"]', { hasText: '例外' }));
  assert.equal(pathOf(office), '/exceptions');
  assert.equal(await office.locator('#exceptions tbody tr', { hasText: VERBAL_AGREEMENT }).count(), 1,
    'the full list has it');

  await clickAndLoad(office, office.locator('main .actions a[href="/exceptions?list=expired"]'));
  assert.equal(new URL(office.url()).search, '?list=expired');
  assert.equal((await office.locator('#exceptions h2').textContent()).trim(), '期限切れ（非準拠）');
  const expired = office.locator('#exceptions tbody tr');
  const count = Number(await office.locator('main .actions a[href="/exceptions?list=expired"] .count').textContent());
  assert.equal(await expired.count(), count, 'the count on the link is the rows listed');
  for (const cls of await expired.evaluateAll((trs) => trs.map((tr) => tr.className))) {
    assert.equal(cls, 'status-expired', 'only expired exceptions are on the expired list');
  }

  const row = expired.filter({ hasText: VERBAL_AGREEMENT });
  assert.equal(await row.count(), 1, 'the verbal agreement is on the expired list');
  assert.equal((await row.locator('td').first().textContent()).trim(), 'X社');
  assert.equal((await row.locator('.status').textContent()).trim(), '期限切れ（非準拠）');
  const expiry = (await row.locator('td').last().textContent()).trim();
  assert.ok(expiry < isoDate(0), `it expired in the past (${expiry})`);
  await screenshot(office, 'exceptions-expired');

  // Its item, from the list's link, says X社 does not comply.
  await clickAndLoad(office, row.locator('a.code[href="/standard/items/NET-01"]'));
  assert.equal(pathOf(office), '/standard/items/NET-01');
  const nonCompliance = office.locator('#non-compliance');
  assert.equal(await nonCompliance.count(), 1, 'NET-01 has a non-compliance section');
  assert.match(await nonCompliance.textContent(), /非準拠/);
  assert.match(await nonCompliance.locator('p').textContent(), /^X社\s/, 'X社 is named as non-compliant');
  assert.doesNotMatch(await nonCompliance.textContent(), /C社/, 'C社, whose measure is in force, is not');
  const listed = office.locator('#exceptions tbody tr', { hasText: VERBAL_AGREEMENT });
  assert.equal(await listed.getAttribute('class'), 'status-expired', 'the item lists the expired exception');
  await screenshot(office, 'standard-item-non-compliance');

  await office.context().close();
});

test('role D: a security lead records an exception, only the CISO accepts the risk, B社 never sees it', async () => {
  const title = `X社 本社UTM更新までのファイアウォール運用 (e2e ${tag()})`;
  const startsOn = isoDate(-1);
  const expiresOn = isoDate(180);
  const dueOn = isoDate(90);

  // X社's security lead records it from the exceptions list.
  const lead = await newPage(browser);
  assert.equal(await signIn(lead, LEAD_X), '/');
  await clickAndLoad(lead, 'header nav.main a[href="/exceptions"]');
  await clickAndLoad(lead, 'main .actions a.button[href="/exceptions/new"]');
  assert.equal(pathOf(lead), '/exceptions/new');

  const form = lead.locator('form[action="/exceptions"]');
  // The lead can record for X社 only.
  assert.deepEqual(await form.locator('select[name="company"] option').evaluateAll((os) => os.map((o) => o.value)), ['X']);
  await form.locator('select[name="company"]').selectOption('X');
  await form.locator('select[name="kind"]').selectOption('exception');
  await form.locator('input[name="title"]').fill(title);
  const net01 = form.locator('input[name="items"][value="NET-01"]');
  assert.equal(
    (await form.locator('label.check', { has: lead.locator('input[value="NET-01"]') }).locator('.tier').textContent()).trim(),
    'a',
    'NET-01 is offered as group-mandatory',
  );
  await net01.check();
  await form.locator('textarea[name="reason"]').fill(
    '本社のUTMは来期の設備更新で入れ替える予定で、それまで既存のファイアウォールを使い続ける。',
  );
  await form.locator('textarea[name="compensating"]').fill(
    '既存ファイアウォールで外部からの通信を原則遮断し、許可した通信のログを週1回確認する。',
  );
  await form.locator('input[name="starts_on"]').fill(startsOn);
  await form.locator('input[name="expires_on"]').fill(expiresOn);
  await form.locator('textarea[name="plan"]').fill(`${dueOn} / X社 情報システム部 / 本社にUTMを設置する`);
  await screenshot(lead, 'exception-form-lead');
  await clickAndLoad(lead, form.locator('button[type="submit"]'));

  assert.deepEqual(await lead.locator('[role="alert"]').allTextContents(), [], 'saved without an error');
  assert.match(pathOf(lead), /^\/exceptions\/[^/]+$/, 'the new exception is shown');
  const id = pathOf(lead).split('/').pop();
  const page = `/exceptions/${id}`;
  assert.match(await lead.locator('main h1').textContent(), new RegExp(escaped(title)));
  assert.match(await lead.locator('main h1 small').textContent(), /例外/);
  assert.match(await lead.locator('main .state').textContent(), /下書き/);
  assert.match(await fact(lead, '会社').textContent(), /X社/);
  assert.match(await fact(lead, '対象の項目').textContent(), /NET-01\s*a\s*インターネット出入口の防御/);
  assert.equal((await fact(lead, '期間').textContent()).replace(/\s+/g, ' ').trim(), `${startsOn} — ${expiresOn}`);
  assert.equal((await fact(lead, 'リスクを受け入れた人').textContent()).trim(), '—', 'nobody has accepted it yet');
  assert.match(await lead.locator('#record table tbody').textContent(), /本社にUTMを設置する/);

  await clickAndLoad(lead, '#submit-form button[type="submit"]');
  assert.equal(pathOf(lead), page);
  assert.match(await lead.locator('main .state').textContent(), /承認待ち/);
  assert.match(await lead.locator('#actions').textContent(), new RegExp(escaped(LEAD_X_NAME)), 'submitted by the lead, by name');
  assert.equal(await lead.locator('#approve-form').count(), 0, 'no approve button for the lead');
  assert.equal(await lead.locator(`#actions form[action="${page}/withdraw"]`).count(), 1, 'the lead may withdraw it');
  await screenshot(lead, 'exception-submitted-lead');

  // Sent anyway, the approval is refused: a group-mandatory item needs the CISO.
  const csrf = await lead.locator('#actions input[name="_csrf"]').first().inputValue();
  const refused = await lead.request.post(`${page}/approve`, { form: { _csrf: csrf }, maxRedirects: 0 });
  assert.equal(refused.status(), 403, 'the lead\'s approval is forbidden');
  assert.match(await refused.text(), /権限がありません/, 'and says why');
  await lead.reload();
  assert.match(await lead.locator('main .state').textContent(), /承認待ち/, 'still waiting for the CISO');

  // The CISO finds it waiting on the home page.
  const ciso = await newPage(browser);
  assert.equal(await signIn(ciso, CISO), '/');
  const waiting = ciso.locator('#exception-lists li', { has: ciso.locator(`a[href="${page}"]`) });
  assert.equal(await waiting.count(), 1, 'the home page lists it');
  assert.match(await waiting.textContent(), /あなたの承認待ち/);
  assert.match(await waiting.textContent(), /X社/);
  await screenshot(ciso, 'home-ciso-exception');

  await clickAndLoad(ciso, waiting.locator('a'));
  assert.equal(pathOf(ciso), page);
  assert.match(await ciso.locator('#actions').textContent(), /リスクを受け入れたことになります/,
    'the CISO is told what approving means');
  await clickAndLoad(ciso, '#approve-form button[type="submit"]');
  assert.equal(pathOf(ciso), page);
  assert.match(await ciso.locator('main .state').textContent(), /承認済み/);
  assert.equal(await ciso.locator('#status').getAttribute('class'), 'status status-active');
  assert.equal((await ciso.locator('#status').textContent()).trim(), '有効');
  assert.equal((await fact(ciso, 'リスクを受け入れた人').textContent()).trim(), CISO_NAME, 'the CISO accepted the risk');
  assert.equal(await ciso.locator('#approve-form').count(), 0, 'no second approval offered');
  await screenshot(ciso, 'exception-approved');

  await ciso.goto('/');
  assert.equal(await ciso.locator(`#exception-lists a[href="${page}"]`).count(), 0, 'no longer waiting');

  // The lead sees the decision too.
  await lead.goto(page);
  assert.match(await lead.locator('main .state').textContent(), /承認済み/);
  assert.equal((await fact(lead, 'リスクを受け入れた人').textContent()).trim(), CISO_NAME);

  // B社's viewer sees B社's exceptions only, and X社's new one is not found at its address.
  const viewer = await newPage(browser);
  assert.equal(await signIn(viewer, VIEWER_B), '/');
  await clickAndLoad(viewer, 'header nav.main a[href="/exceptions"]');
  const companies = (await viewer.locator('#exceptions tbody tr td:first-child').allTextContents()).map((s) => s.trim());
  assert.ok(companies.length > 0, 'B社\'s own exceptions are listed');
  assert.ok(companies.every((c) => c.startsWith('B社')), `only B社's exceptions: ${companies.join(', ')}`);
  assert.equal(await viewer.locator(`a[href="${page}"]`).count(), 0);
  assert.doesNotMatch(await viewer.locator('#exceptions').textContent(), new RegExp(`${escaped(title)}|${VERBAL_AGREEMENT}`));
  await screenshot(viewer, 'exceptions-viewer-b');

  const response = await viewer.goto(page);
  assert.equal(response.status(), 404);
  assert.match(await viewer.locator('main .error h1').textContent(), /404/);
  assert.match(await viewer.locator('main .error').textContent(), /見つかりません/);
  assert.doesNotMatch(await viewer.content(), new RegExp(escaped(title)), 'nothing of it is shown');
  await screenshot(viewer, 'exception-not-found-viewer-b');

  await lead.context().close();
  await ciso.context().close();
  await viewer.context().close();
});
