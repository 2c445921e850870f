// Role E in the browser: the CEO opens the group's approved risk assessment from the main
// menu, sees the heat maps drawn in the matrix's colours, clicks a residual-risk cell and
// gets the list of the risks in it; the lapsed verbal agreement is shown raising a residual
// rating; B社's viewer sees no assessment of the group.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clickAndLoad, launch, newPage, pathOf, screenshot, signIn } from './helpers.mjs';

const CEO = 'ceo@a-group.example';
const VIEWER_B = 'viewer-b@a-group.example';
const TITLE = 'A社グループ リスクアセスメント 2026年度';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('role E: a heat map cell lists its risks, and an expired exception raises a residual rating', async () => {
  const ceo = await newPage(browser);
  assert.equal(await signIn(ceo, CEO), '/');
  await clickAndLoad(ceo, ceo.locator('header nav.main a[href="/risk"]'));
  assert.equal(pathOf(ceo), '/risk');
  await clickAndLoad(ceo, ceo.locator('#assessments a', { hasText: TITLE }));
  assert.match(pathOf(ceo), /^\/risk\/assessments\/[0-9a-f-]+$/);

  // Both maps are drawn, each cell in its risk level's colour.
  const residual = ceo.locator('svg#residual-map');
  await residual.waitFor();
  const fills = await residual.locator('rect').evaluateAll((rects) => rects.map((r) => r.getAttribute('fill')));
  assert.ok(fills.includes('#F87171') && fills.includes('#BBF7D0'), `the matrix's colours: ${fills}`);

  // A cell that holds risks is a link; clicking it lists exactly that many risks.
  const cell = residual.locator('a').first();
  const count = Number((await cell.locator('text').textContent()).trim());
  assert.ok(count > 0, 'a cell with risks shows their number');
  await clickAndLoad(ceo, cell);
  assert.match(ceo.url(), /map=residual/);
  const listed = ceo.locator('#chosen li');
  assert.equal(await listed.count(), count, 'the cell lists as many risks as it counts');
  await screenshot(ceo, 'risk-heat-map-cell');

  // The deviation's residual rating is back at its inherent one: the exception expired.
  const raised = ceo.locator('#register p.raised');
  assert.ok((await raised.count()) > 0, 'a raised residual rating says why');
  assert.match(await raised.first().textContent(), /口頭合意/);

  const viewer = await newPage(browser);
  assert.equal(await signIn(viewer, VIEWER_B), '/');
  await viewer.goto('/risk');
  assert.equal(await viewer.locator('#assessments a', { hasText: TITLE }).count(), 0,
    "B社's viewer does not see the group's assessment");
  await ceo.close();
  await viewer.close();
});

test('role E: the report prints without the menus, and the outside version names nobody', async () => {
  const ceo = await newPage(browser);
  assert.equal(await signIn(ceo, CEO), '/');
  await ceo.goto('/risk');
  await clickAndLoad(ceo, ceo.locator('#assessments a', { hasText: TITLE }));
  await clickAndLoad(ceo, ceo.locator('a#report-executive'));
  assert.match(ceo.url(), /\/report\?audience=executive$/);
  await ceo.locator('svg#report-residual-map').waitFor();
  assert.ok(await ceo.locator('#retained').isVisible());
  assert.ok(await ceo.locator('#movements tr.moved-gone').count() > 0, 'last year\'s risk no longer assessed');

  // On paper the page is the report alone: no menu, no links to other versions.
  await ceo.emulateMedia({ media: 'print' });
  assert.equal(await ceo.locator('header.top').isVisible(), false, 'the menu is not printed');
  assert.equal(await ceo.locator('a#for-outsiders').isVisible(), false, 'the version links are not printed');
  assert.ok(await ceo.locator('#top-risks').isVisible());
  await screenshot(ceo, 'risk-report-print');
  await ceo.emulateMedia({ media: 'screen' });

  await clickAndLoad(ceo, ceo.locator('a#for-outsiders'));
  const text = await ceo.locator('#report').textContent();
  assert.ok(!text.includes('各社 セキュリティ責任者') && !text.includes('ciso@a-group.example'),
    'the outside version names no one');
  assert.equal(await ceo.locator('svg#report-residual-map a').count(), 0, 'its heat map links nowhere');
  await ceo.close();
});
