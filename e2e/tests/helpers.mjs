// Shared by the end-to-end tests: the browser (Debian's Chromium, never Playwright's own),
// signing in, screenshots, and the TOTP codes of RFC 6238.
//
// The server is started by scripts/e2e, which passes its address in KAMAE_BASE_URL and the
// screenshots folder in KAMAE_E2E_SCREENSHOTS.

import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

export const BASE_URL = (() => {
  const url = process.env.KAMAE_BASE_URL;
  if (!url) {
    throw new Error('KAMAE_BASE_URL is not set: run the tests with scripts/e2e');
  }
  return url.replace(/\/+$/, '');
})();

/** Every demo user's password. */
export const PASSWORD = 'kamae-demo-2026';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS =
  process.env.KAMAE_E2E_SCREENSHOTS ||
  join(process.env.CARGO_TARGET_DIR || join(repoRoot, 'target'), 'e2e');
mkdirSync(SCREENSHOTS, { recursive: true });

/** Debian's Chromium, headless, quiet: no updates, no sync, no network of its own. */
export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-gpu',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh browser context (its own cookies: one user each) that asks for Japanese, as the
 * company's people do; `locale: 'en-US'` for a browser that asks for English.
 */
export async function newPage(browser, { locale = 'ja-JP' } = {}) {
  const context = await browser.newContext({
    baseURL: BASE_URL,
    locale,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  return context.newPage();
}

/** Clicks something that sends a form or follows a link, and waits for the next page. */
export async function clickAndLoad(page, locator) {
  const target = typeof locator === 'string' ? page.locator(locator) : locator;
  await Promise.all([page.waitForEvent('load'), target.click()]);
}

/** The path of the page shown now, e.g. `/signin/second-factor`. */
export function pathOf(page) {
  return new URL(page.url()).pathname;
}

/** The last path segment of the page shown now: the id in `/artifacts/ID`. */
export function lastSegment(page) {
  return pathOf(page).split('/').filter(Boolean).pop();
}

/** Signs in with e-mail and password on /signin; returns the path reached. */
export async function signIn(page, email, password = PASSWORD) {
  await page.goto('/signin');
  await page.fill('form[action="/signin"] input[name="email"]', email);
  await page.fill('form[action="/signin"] input[name="password"]', password);
  await clickAndLoad(page, 'form[action="/signin"] button[type="submit"]');
  return pathOf(page);
}

/** Signs out with the button in the header. */
export async function signOut(page) {
  await clickAndLoad(page, 'header .who form[action="/signout"] button[type="submit"]');
}

/** A full-page screenshot under the screenshots folder (`name` without `.png`). */
export async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A short random tag, so that what one run writes is told apart from another's. */
export function tag() {
  return randomBytes(3).toString('hex');
}

// --- TOTP (RFC 6238 over RFC 4226: HMAC-SHA-1, 30-second steps, 6 digits) ---

export const TOTP_STEP_SECONDS = 30;

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const i = alphabet.indexOf(ch);
    if (i < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The number of the 30-second step we are in now. */
export function currentStep() {
  return Math.floor(Date.now() / 1000 / TOTP_STEP_SECONDS);
}

/** The 6-digit code of a base32 secret at a step. */
export function totpCode(secretBase32, step = currentStep()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

/** Waits until the clock has passed `step`: a code is accepted once, so the next one must be newer. */
export async function waitForStepAfter(step) {
  while (currentStep() <= step) {
    const msIntoStep = Date.now() % (TOTP_STEP_SECONDS * 1000);
    await sleep(TOTP_STEP_SECONDS * 1000 - msIntoStep + 200);
  }
}

// --- Artifacts: the steps that several tests take ---

/** The state shown on an artifact's page: draft, submitted, approved or rejected. */
export async function artifactState(page) {
  const cls = (await page.locator('#state').getAttribute('class')) || '';
  return (cls.match(/\bstate-(\w+)/) || [])[1];
}

/**
 * Writes a new draft on /artifacts/new?kind=…; `company` is a company code (none: the
 * group's own), `from` the version ids it is made from. Returns the new version's id.
 */
export async function draftArtifact(page, { kind, company, title, body, from = [] }) {
  await page.goto(`/artifacts/new?kind=${encodeURIComponent(kind)}`);
  const form = page.locator('form[action="/artifacts"]');
  if (company) await form.locator('select[name="company"]').selectOption(company);
  await form.locator('input[name="title"]').fill(title);
  await form.locator('textarea[name="body"]').fill(body);
  for (const id of from) await form.locator(`input[name="from"][value="${id}"]`).check();
  await clickAndLoad(page, form.locator('button[type="submit"]'));
  const alerts = await page.locator('[role="alert"]').allTextContents();
  assert.deepEqual(alerts, [], 'the draft is saved without an error');
  assert.match(pathOf(page), /^\/artifacts\/[^/]+$/, 'the new draft is shown');
  return lastSegment(page);
}

/** Sends a step's form on an artifact's page: submit, withdraw or approve. */
export async function artifactStep(page, id, step) {
  if (pathOf(page) !== `/artifacts/${id}`) await page.goto(`/artifacts/${id}`);
  await clickAndLoad(page, `#actions form[action="/artifacts/${id}/${step}"] button[type="submit"]`);
  assert.equal(pathOf(page), `/artifacts/${id}`, `after ${step}, the artifact is shown again`);
}
