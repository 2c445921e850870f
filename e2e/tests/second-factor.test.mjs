// Sign-in with a second factor: a user sets up TOTP from the account page, keeps the ten
// recovery codes, signs out, and signs in again with password and a fresh code.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PASSWORD,
  clickAndLoad,
  currentStep,
  launch,
  newPage,
  pathOf,
  screenshot,
  signIn,
  signOut,
  totpCode,
  waitForStepAfter,
} from './helpers.mjs';

// Only this test uses this user: the others may run at the same time.
const USER = 'auditor@a-group.example';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a user sets up TOTP and signs in with password and code', async () => {
  const page = await newPage(browser);

  // Password only, for now.
  assert.equal(await signIn(page, USER), '/');

  // Account page → "set up a second factor".
  await page.goto('/account');
  assert.equal(await page.locator('#mfa a[href="/account/second-factor"]').count(), 1,
    'the account page offers to set up a second factor');
  await clickAndLoad(page, '#mfa a[href="/account/second-factor"]');
  assert.equal(pathOf(page), '/account/second-factor');

  // Start: the QR code and the secret to type by hand.
  await clickAndLoad(page, 'form[action="/account/second-factor/start"] button[type="submit"]');
  assert.equal(await page.locator('#enrol .qr svg').count(), 1, 'the QR code is shown');
  const secret = (await page.locator('code#totp-secret').textContent()).trim();
  assert.match(secret, /^[A-Z2-7]+=*$/, 'the secret is base32');
  await screenshot(page, 'second-factor-qr-enrolment');

  // Confirm with the code of the current step.
  const enrolStep = currentStep();
  await page.fill('#enrol form[action="/account/second-factor/confirm"] input[name="code"]',
    totpCode(secret, enrolStep));
  await clickAndLoad(page, '#enrol form[action="/account/second-factor/confirm"] button[type="submit"]');
  assert.equal(await page.locator('[role="alert"]').count(), 0,
    `no error after confirming: ${await page.locator('[role="alert"]').allTextContents()}`);
  const codes = await page.locator('#recovery-codes ol.codes li code').allTextContents();
  assert.equal(codes.length, 10, 'ten recovery codes');
  assert.equal(new Set(codes).size, 10, 'the recovery codes differ');
  await screenshot(page, 'second-factor-recovery-codes');

  await page.goto('/account');
  assert.equal(await page.locator('#mfa a[href="/account/second-factor"]').count(), 0,
    'the account page no longer offers to set it up');
  assert.equal(await page.locator('#mfa form[action="/account/second-factor/disable"]').count(), 1,
    'the account page offers to turn it off');

  await signOut(page);
  assert.equal(pathOf(page), '/signin');

  // Password again: the session is half-open until the code.
  assert.equal(await signIn(page, USER), '/signin/second-factor');
  await screenshot(page, 'second-factor-code-asked');
  await page.goto('/account');
  assert.notEqual(pathOf(page), '/account', 'a half-open session does not reach the account page');
  await page.goto('/signin/second-factor');
  assert.equal(pathOf(page), '/signin/second-factor');

  // A code is accepted once: the one used for enrolment may not come back, so use a newer step.
  await waitForStepAfter(enrolStep);
  await page.fill('form[action="/signin/second-factor"] input[name="code"]', totpCode(secret));
  await clickAndLoad(page, 'form[action="/signin/second-factor"] button[type="submit"]');
  assert.equal(pathOf(page), '/', 'the code leads to the home page');
  assert.equal(await page.locator('main #inbox').count(), 1, 'the home page is shown');
  assert.equal(await page.locator('header .who a.name').count(), 1, 'signed in');

  // Leave the demo user as it was: second factor off again (the demo group does not require it).
  await page.goto('/account');
  await page.fill('#mfa form[action="/account/second-factor/disable"] input[name="password"]', PASSWORD);
  await clickAndLoad(page, '#mfa form[action="/account/second-factor/disable"] button[type="submit"]');
  assert.equal(pathOf(page), '/account');
  assert.equal(await page.locator('#mfa a[href="/account/second-factor"]').count(), 1,
    'turned off: the account page offers to set it up again');

  await page.context().close();
});
