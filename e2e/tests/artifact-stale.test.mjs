// An artifact turns stale on the map: objectives and targets are made from an approved risk
// assessment; a newer version of the risk assessment is approved; the map marks the
// objectives and targets stale and says why.
//
// The risk assessment here is A社's own (company A), so that this test does not meet the
// group's risk assessment that artifact-approval.test.mjs writes at the same time.

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

test('objectives made from a risk assessment turn stale when a newer one is approved', async () => {
  const run = tag();
  const office = await newPage(browser);
  const ceo = await newPage(browser);
  assert.equal(await signIn(office, OFFICE), '/');
  assert.equal(await signIn(ceo, CEO), '/');

  async function approve(id) {
    await artifactStep(office, id, 'submit');
    assert.equal(await artifactState(office), 'submitted');
    await artifactStep(ceo, id, 'approve');
    assert.equal(await artifactState(ceo), 'approved');
  }

  // 1. A社's risk assessment, approved.
  const risk1 = await draftArtifact(office, {
    kind: 'risk_assessment',
    company: 'A',
    title: `A社 リスクアセスメント (e2e ${run})`,
    body: '## 主なリスク\n\n- ランサムウェアによる生産停止\n',
  });
  await approve(risk1);
  const risk1Number = (await office.locator('main h1 small').textContent()).trim(); // 第1版

  // 2. Objectives and targets made from it ("made from": its checkbox), approved.
  await office.goto('/artifacts/new?kind=objectives_and_targets');
  assert.equal(await office.locator(`input[name="from"][value="${risk1}"]`).count(), 1,
    'the approved risk assessment is offered under "made from"');
  const objectives = await draftArtifact(office, {
    kind: 'objectives_and_targets',
    title: `情報セキュリティの目的と目標 (e2e ${run})`,
    body: '## 目標\n\n1. 重要システムの復旧を 24 時間以内にする\n',
    from: [risk1],
  });
  assert.equal(await office.locator(`#inputs a[href="/artifacts/${risk1}"]`).count(), 1,
    'the objectives show the risk assessment they were made from');
  await approve(objectives);

  // Not stale yet.
  await office.goto('/artifacts/map');
  const box = office.locator('svg #artifact-objectives_and_targets');
  assert.equal(await box.count(), 1, 'the map has the objectives and targets');
  assert.doesNotMatch((await box.getAttribute('class')) || '', /\bstale\b/, 'not stale before the change');

  // 3. The risk assessment changes: "new version" from its page, submitted and approved.
  await office.goto(`/artifacts/${risk1}`);
  await clickAndLoad(office, `#actions a[href="/artifacts/${risk1}/edit"]`);
  const edit = office.locator(`form[action="/artifacts/${risk1}/edit"]`);
  await edit.locator('textarea[name="body"]').fill(
    '## 主なリスク\n\n- ランサムウェアによる生産停止\n- 取引先経由の侵入（新たに判明）\n',
  );
  await clickAndLoad(office, edit.locator('button[type="submit"]'));
  assert.deepEqual(await office.locator('[role="alert"]').allTextContents(), []);
  const risk2 = pathOf(office).split('/').pop();
  assert.notEqual(risk2, risk1, 'editing an approved version makes a new version');
  assert.equal(await artifactState(office), 'draft');
  const risk2Number = (await office.locator('main h1 small').textContent()).trim(); // 第2版
  assert.notEqual(risk2Number, risk1Number);
  await approve(risk2);

  // 4. The map marks the objectives and targets stale and lists why.
  await office.goto('/artifacts/map');
  assert.match((await box.getAttribute('class')) || '', /\bstale\b/,
    '#artifact-objectives_and_targets has the class "stale"');
  const entry = office.locator('#stale li', { has: office.locator(`a[href="/artifacts/${objectives}"]`) });
  assert.equal(await entry.count(), 1, 'the list of stale artifacts names the objectives and targets');
  const why = (await entry.locator('.why').allTextContents()).join('\n');
  // 「… は E リスクアセスメント結果（A） 第1版 をもとに作られましたが、… 第2版 が承認されました」
  assert.ok(why.includes(`（A） ${risk1Number}`), `the reason names the version used: ${why}`);
  assert.ok(why.includes(`（A） ${risk2Number}`), `the reason names the newer version: ${why}`);
  assert.ok(why.includes('承認されました'), `the reason says the newer one was approved: ${why}`);
  await screenshot(office, 'map-stale');

  // The executive's home page lists it too.
  await ceo.goto('/');
  assert.ok((await ceo.locator('main #stale li').count()) >= 1, 'the home page lists stale artifacts');

  await office.context().close();
  await ceo.context().close();
});
