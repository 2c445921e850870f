// The 日本語 / English switch in the header, before sign-in (kept in a cookie) and after
// (kept with the user's account).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clickAndLoad, launch, newPage, pathOf, screenshot, signIn } from './helpers.mjs';

// Only this test uses this user: it changes the user's language and puts it back.
const USER = 'lead-x@a-group.example';

const JA = 'form[action="/lang"] button[name="lang"][value="ja"]';
const EN = 'form[action="/lang"] button[name="lang"][value="en"]';

async function lang(page) {
  return page.locator('html').getAttribute('lang');
}

async function h1(page) {
  return (await page.locator('main h1').first().textContent()).trim();
}

async function pressed(page, selector) {
  return page.locator(selector).getAttribute('aria-pressed');
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the language switch before sign-in', async () => {
  const page = await newPage(browser);
  await page.goto('/signin');
  assert.equal(await lang(page), 'ja', 'a browser asking for Japanese gets Japanese');
  assert.equal(await h1(page), 'サインイン');
  assert.equal(await pressed(page, JA), 'true');

  await clickAndLoad(page, EN);
  assert.equal(pathOf(page), '/signin', 'the switch comes back to the same page');
  assert.equal(await lang(page), 'en');
  assert.equal(await h1(page), 'Sign in');
  assert.equal(await pressed(page, EN), 'true');
  await screenshot(page, 'language-signin-en');

  // Kept (in a cookie) on the next page.
  await page.goto('/signin');
  assert.equal(await lang(page), 'en');

  await clickAndLoad(page, JA);
  assert.equal(await lang(page), 'ja');
  assert.equal(await h1(page), 'サインイン');
  await page.context().close();
});

test('a browser asking for English gets English, and can switch to Japanese', async () => {
  const page = await newPage(browser, { locale: 'en-US' });
  await page.goto('/signin');
  assert.equal(await lang(page), 'en');
  assert.equal(await h1(page), 'Sign in');
  await clickAndLoad(page, JA);
  assert.equal(await lang(page), 'ja');
  assert.equal(await h1(page), 'サインイン');
  await page.context().close();
});

test('the language switch after sign-in', async () => {
  const page = await newPage(browser);
  assert.equal(await signIn(page, USER), '/');
  assert.equal(await lang(page), 'ja');
  assert.equal((await page.locator('header nav.main a[href="/"]').textContent()).trim(), 'ホーム');
  assert.match(await h1(page), /^ホーム/);
  await screenshot(page, 'home-ja');

  await clickAndLoad(page, EN);
  assert.equal(pathOf(page), '/');
  assert.equal(await lang(page), 'en');
  assert.equal((await page.locator('header nav.main a[href="/"]').textContent()).trim(), 'Home');
  assert.match(await h1(page), /^Home/);
  assert.equal(await pressed(page, EN), 'true');
  await screenshot(page, 'home-en');

  // Another page keeps it; so does the next sign-in, in a browser that asks for Japanese.
  await page.goto('/artifacts/map');
  assert.equal(await lang(page), 'en');
  const fresh = await newPage(browser);
  assert.equal(await signIn(fresh, USER), '/');
  assert.equal(await lang(fresh), 'en', "the user's choice is kept with the account");
  await fresh.context().close();

  // And back to Japanese, as the demo user was.
  await clickAndLoad(page, JA);
  assert.equal(pathOf(page), '/artifacts/map');
  assert.equal(await lang(page), 'ja');
  assert.equal((await page.locator('header nav.main a[href="/"]').textContent()).trim(), 'ホーム');
  await page.context().close();
});
