// An artifact document from draft to approval: the CISO office writes a risk assessment in
// Markdown and submits it; the executive finds it in the approvals inbox and approves it; its
// history shows the approval.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  artifactState,
  artifactStep,
  clickAndLoad,
  draftArtifact,
  launch,
  newPage,
  pathOf,
  screenshot,
  signIn,
  tag,
} from './helpers.mjs';

const OFFICE = 'office@a-group.example';
const CEO = 'ceo@a-group.example';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the CISO office writes a risk assessment and the executive approves it', async () => {
  const title = `リスクアセスメント 2026 上期 (e2e ${tag()})`;
  const body = [
    '## 評価の範囲',
    '',
    'A社グループの**全拠点**を対象とする。',
    '',
    '- 工場の制御系ネットワーク',
    '- 取引先との受発注システム',
    '- 在宅勤務の端末',
    '',
    '| リスク | 影響 | 起こりやすさ |',
    '| --- | --- | --- |',
    '| ランサムウェア | 大 | 中 |',
    '',
  ].join('\n');

  // The CISO office writes it.
  const office = await newPage(browser);
  assert.equal(await signIn(office, OFFICE), '/');
  await screenshot(office, 'home-office');
  const id = await draftArtifact(office, { kind: 'risk_assessment', title, body });
  assert.equal(await artifactState(office), 'draft');
  assert.match(await office.locator('main h1').textContent(), new RegExp(title.replace(/[()]/g, '\\$&')));

  // The Markdown is rendered, not shown as text.
  const doc = office.locator('#body');
  assert.equal((await doc.locator('h2').textContent()).trim(), '評価の範囲');
  assert.equal((await doc.locator('strong').textContent()).trim(), '全拠点');
  assert.deepEqual((await doc.locator('ul > li').allTextContents()).map((s) => s.trim()), [
    '工場の制御系ネットワーク',
    '取引先との受発注システム',
    '在宅勤務の端末',
  ]);
  assert.equal(await doc.locator('table td').first().textContent(), 'ランサムウェア');
  assert.ok(!(await doc.textContent()).includes('**'), 'no Markdown syntax left in the text');
  await screenshot(office, 'artifact-draft');

  await artifactStep(office, id, 'submit');
  assert.equal(await artifactState(office), 'submitted');
  await screenshot(office, 'artifact-submitted');

  // The executive, in a browser of their own, finds it waiting.
  const ceo = await newPage(browser);
  assert.equal(await signIn(ceo, CEO), '/');
  const onHome = await ceo.locator('main #inbox li', { hasText: title }).count();
  assert.equal(onHome, 1, 'the home page lists it as waiting for approval');
  await screenshot(ceo, 'home-executive');

  await clickAndLoad(ceo, 'header nav.main a[href="/approvals"]');
  assert.equal(pathOf(ceo), '/approvals');
  const link = ceo.locator(`#inbox a[href="/artifacts/${id}"]`);
  assert.equal(await link.count(), 1, 'the approvals inbox lists it');
  assert.match(await link.textContent(), new RegExp(title.replace(/[()]/g, '\\$&')));
  await screenshot(ceo, 'approvals-inbox');

  await clickAndLoad(ceo, link);
  assert.equal(pathOf(ceo), `/artifacts/${id}`);
  assert.equal(await artifactState(ceo), 'submitted');
  await artifactStep(ceo, id, 'approve');
  assert.equal(await artifactState(ceo), 'approved');
  assert.equal(await ceo.locator(`#actions form[action="/artifacts/${id}/approve"]`).count(), 0,
    'no second approval offered');
  await screenshot(ceo, 'artifact-approved');

  // Gone from the inbox.
  await ceo.goto('/approvals');
  assert.equal(await ceo.locator(`#inbox a[href="/artifacts/${id}"]`).count(), 0);

  // Its history, from the link on its page, shows the approval by the executive.
  await ceo.goto(`/artifacts/${id}`);
  await clickAndLoad(ceo, `#actions a[href="/history/artifact_version/${id}"]`);
  assert.equal(pathOf(ceo), `/history/artifact_version/${id}`);
  // People are named as in the demo: 山本 健一 (the executive) and 高橋 美咲 (the CISO office).
  const approval = ceo.locator('#history li[data-action="approve"] .when');
  assert.equal(await approval.count(), 1, 'one approval in the history');
  assert.ok((await approval.textContent()).includes('山本 健一'), 'approved by the executive, by name');
  const submission = ceo.locator('#history li[data-action="submit"] .when');
  assert.ok((await submission.first().textContent()).includes('高橋 美咲'), 'submitted by the CISO office, by name');
  await screenshot(ceo, 'history-approved');

  // The office sees it approved too.
  await office.goto(`/artifacts/${id}`);
  assert.equal(await artifactState(office), 'approved');

  await office.context().close();
  await ceo.context().close();
});
