// Role C in the browser: X社's CEO finds the business case from role C's page, sees the
// options compared with their charts and the risk left with its owner, prints it without the
// menus, and sends it back; a newcomer in the office changes an option's effect in its form
// and sends it again; the CEO approves it and downloads the workbook; the register's
// quantitative view draws the loss exceedance curve.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { artifactState, artifactStep, clickAndLoad, launch, newPage, pathOf, screenshot, signIn } from './helpers.mjs';

const CEO = 'ceo@x-apparel.example';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('role C: the business case compares the options in the plan\'s numbers, is changed in a form, approved and exported', async () => {
  const ceo = await newPage(browser);
  assert.equal(await signIn(ceo, CEO), '/');
  await ceo.goto('/roles/c');
  await clickAndLoad(ceo, ceo.locator('a[href="/business-cases"]').first());
  await clickAndLoad(ceo, ceo.locator('#cases a').first());
  assert.match(pathOf(ceo), /^\/business-cases\/[0-9a-f-]+$/);
  const id = pathOf(ceo).split('/').pop();

  // Both charts are drawn, one group of bars per option and doing nothing.
  const rows = await ceo.locator('#compared tbody tr').count();
  assert.ok(rows >= 8, `doing nothing and seven options: ${rows}`);
  await ceo.locator('svg#loss-chart').waitFor();
  assert.ok(await ceo.locator('svg#loss-chart rect.bar').count() >= rows * 2, 'loss and cost for each');
  assert.ok(await ceo.locator('svg#target-chart rect.bar').count() >= rows, 'a target bar for each');
  assert.match(await ceo.locator('#residual').textContent(), /EC事業推進室長/);
  await screenshot(ceo, 'business-case');

  // On paper the case stands alone.
  await ceo.emulateMedia({ media: 'print' });
  assert.equal(await ceo.locator('header.top').isVisible(), false, 'the menu is not printed');
  assert.ok(await ceo.locator('#compared').isVisible());
  await ceo.emulateMedia({ media: 'screen' });

  // The CEO sends it back: the cloud WAF's effect is to be looked at again.
  await clickAndLoad(ceo, ceo.locator('a#approval'));
  assert.equal(pathOf(ceo), `/artifacts/${id}`);
  await ceo.locator('#reject-form textarea[name="reason"]').fill('クラウドWAFの効果の幅を見直してください');
  await clickAndLoad(ceo, ceo.locator('#reject-form button[type="submit"]'));
  assert.equal(await artifactState(ceo), 'rejected');

  // A newcomer in the CISO office changes the WAF's effect in the option's own form, with
  // no JSON, sees the comparison worked out again, and sends the case again.
  const office = await newPage(browser);
  assert.equal(await signIn(office, 'office@x-apparel.example'), '/');
  await office.goto(`/business-cases/${id}`);
  const wafAfter = office.locator('#compared tbody tr')
    .filter({ has: office.locator('th', { hasText: /^クラウドWAF$/ }) })
    .locator('td').nth(2);
  const lossBefore = (await wafAfter.textContent()).trim();
  await clickAndLoad(office, office.locator('h3', { hasText: /^クラウドWAF/ }).locator('a[id^="edit-option-"]'));
  const factor = office.locator('input[name="effects[0].frequency_factor"]');
  assert.equal(await factor.inputValue(), '0.2, 0.4, 0.7');
  await factor.fill('0.05、0.1、0.2');
  await screenshot(office, 'business-case-option-form');
  await clickAndLoad(office, office.locator('main form button[type="submit"]'));
  assert.equal(pathOf(office), `/business-cases/${id}`);
  const lossAfter = (await wafAfter.textContent()).trim();
  assert.notEqual(lossAfter, lossBefore, 'a stronger WAF leaves another expected loss');
  await artifactStep(office, id, 'submit');
  assert.equal(await artifactState(office), 'submitted');
  await office.close();

  await ceo.goto(`/artifacts/${id}`);
  await artifactStep(ceo, id, 'approve');
  assert.equal(await artifactState(ceo), 'approved');

  // And exported as a workbook (an XLSX file is a zip: it starts with "PK").
  const xlsx = await ceo.request.get(`/business-cases/${id}/case.xlsx`);
  assert.equal(xlsx.status(), 200);
  assert.match(xlsx.headers()['content-type'], /spreadsheetml/);
  assert.equal((await xlsx.body()).subarray(0, 2).toString(), 'PK');

  // The register's quantitative view, from the assessment the case weighs.
  await ceo.goto(`/business-cases/${id}`);
  await clickAndLoad(ceo, ceo.locator('p.lead a[href^="/risk/assessments/"]'));
  await clickAndLoad(ceo, ceo.locator('a#quant-view'));
  await ceo.locator('svg#lec polyline').waitFor();
  assert.ok(await ceo.locator('#quant-R-01').isVisible());
  await screenshot(ceo, 'register-quantitative-view');
  await ceo.close();
});

test('role C: the scenario editor\'s results follow the model as it is typed', async () => {
  const office = await newPage(browser);
  assert.equal(await signIn(office, 'office@x-apparel.example'), '/');
  await office.goto('/roles/c');
  await clickAndLoad(office, office.locator('a[href="/quant/editor"]').first());
  const pZero = office.locator('#run-p-zero');
  const before = (await pZero.textContent()).trim();
  // Story 2's chain with every vulnerability attacked: fewer years without loss.
  const model = office.locator('textarea#model');
  const text = await model.inputValue();
  await model.fill(text.replace('"probabilities": [0.5, 0.7]', '"probabilities": [1.0, 0.7]'));
  await office.waitForFunction((old) => {
    const el = document.querySelector('#run-p-zero');
    return el && el.textContent.trim() !== old;
  }, before);
  assert.notEqual((await pZero.textContent()).trim(), before);
  // A long run shows how far it has got, and ends with every trial done and the results.
  await model.fill(text.replace('"trials": 100000', '"trials": 1000000'));
  await office.waitForFunction(() => {
    const bar = document.querySelector('#live-progress');
    const figures = document.querySelector('#run-figures');
    return bar && !bar.hidden && Number(bar.max) === 1000000 && Number(bar.value) === 1000000
      && figures && figures.textContent.includes('1,000,000');
  });
  // A model that does not hold shows where, without leaving the page (and runs nothing).
  await model.fill(text.replace('"seed": 42', '"seed": 42, "colour": 1'));
  await office.locator('#model-problems').waitFor();
  assert.equal(await office.locator('#live-progress').isHidden(), true);
  assert.match(await office.locator('#model-problems').textContent(), /colour/);
  await screenshot(office, 'scenario-editor');
  await office.close();
});
