/**
 * The system's Chromium (Debian's `chromium` package) driven by playwright-core, for the tests
 * that render UI applications in a real browser. Never `npx playwright install`: playwright-core
 * drives the installed browser through `executablePath`. Missing Chromium: those tests skip
 * locally with a warning, and fail in CI (`CI=true`), where .ci/run installs it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

/** Why the browser tests cannot run here, or undefined when they can. Throws in CI instead. */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `Chromium is not installed at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env['CI'] === 'true') throw new Error(`${reason}: the UI application tests need it in CI`);
  console.warn(`# SKIPPING the browser tests of UI applications: ${reason}`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}
