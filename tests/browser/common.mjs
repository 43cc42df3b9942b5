// What the browser test files share: the command line (site and screenshot directories), the
// Chromium launch, one context per test (withPage: console errors fail the test, a failed test
// leaves a FAILED-<name>.png and is counted), waiting on the module's frames, and the site server.
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../../tools/serve.mjs";

export { serve };

export const CHROMIUM_ARGS = [
  "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
];

// node <test>.mjs [SITE_DIR=build/web] [SCREENSHOT_DIR=defaultShots]
export const site = path.resolve(process.argv[2] || "build/web");
export let shots = "";
export function screenshotDir(defaultShots) {
  shots = path.resolve(process.argv[3] || defaultShots);
  fs.mkdirSync(shots, { recursive: true });
  return shots;
}
export const shot = (name) => path.join(shots, `${name}.png`);

export const results = { failures: 0, passed: 0 };
export function expect(cond, what) {
  if (!cond) throw new Error(what);
}

export function launch() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

// Runs fn(page) in a fresh context (1280x800 unless opts.context says otherwise). opts.route(page)
// runs before fn; opts.allowErrors lists console errors that do not fail the test.
export async function withPage(browser, name, opts, fn) {
  const started = Date.now();
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...(opts.context || {}) });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`console.error: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  try {
    if (opts.route) await opts.route(page);
    await fn(page);
    const unexpected = errors.filter((e) => !(opts.allowErrors || []).some((re) => re.test(e)));
    expect(unexpected.length === 0, `errors in the console:\n    ${unexpected.join("\n    ")}`);
    results.passed++;
    console.log(`ok   ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (e) {
    results.failures++;
    console.log(`FAIL ${name}: ${e.message}`);
    try { await page.screenshot({ path: path.join(shots, `FAILED-${name}.png`) }); } catch {}
  } finally {
    await context.close();
  }
}

// The pages' Content-Security-Policy allows no eval, and Playwright evaluates a string predicate of
// waitForFunction with eval in the page; expr() makes it a function, whose source Playwright sends
// along with its own code (not through eval). Use it for every string predicate.
export const expr = (source) => new Function(`return (${source});`);

// Waits until the module has drawn `frames` frames and `extra` holds; returns its reported state.
export async function settle(page, frames = 30, extra = "true") {
  await page.waitForFunction(
    expr(`typeof Module !== "undefined" && Module.aelabState && Module.aelabState.frames >= ${frames} && (${extra})`),
    null, { timeout: 90000, polling: 100 });
  return page.evaluate(() => Module.aelabState);
}
export async function moreFrames(page, n) {
  const f = await page.evaluate(() => Module.aelabState.frames);
  return settle(page, f + n);
}
