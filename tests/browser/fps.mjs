// Frame rate of a lesson in headless Chromium (SwiftShader), idle and while training, for the
// notes: node tests/browser/fps.mjs build/web lesson-id [seconds] [extra query, e.g. "open=1"].
// Prints the mean frame time, the median, 95th percentile and longest frame (requestAnimationFrame
// gaps), the training steps/s and, when the lesson reports it (status examples_per_s), the
// examples/s its training panel shows. A measurement, not a test.
import { chromium } from "playwright-core";
import { serve } from "../../tools/serve.mjs";

const [site = "build/web", id = "denoising", secondsArg = "8", extra = ""] = process.argv.slice(2);
const seconds = Number(secondsArg);
const { server, url } = await serve(site, 0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const sample = () => [Module.aelabState.frames, performance.now(), Number(Module.aelabState.status.step || 0),
                      Module.aelabState.status.examples_per_s];
for (const train of [0, 1]) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const opened = Date.now();
  await page.goto(`${url}?lesson=${id}&train=${train}${extra ? "&" + extra : ""}`);
  await page.waitForFunction(`typeof Module !== "undefined" && Module.aelabState && Module.aelabState.data === "ready"
                              && Module.aelabState.frames > 30`, null, { timeout: 90000 });
  const ready = (Date.now() - opened) / 1000;
  const f0 = await page.evaluate(sample);
  // Gaps between animation frames, collected in the page while we wait.
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    const tick = (t) => { window.__gaps.push(t - last); last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  await page.waitForTimeout(seconds * 1000);
  const f1 = await page.evaluate(sample);
  const gaps = (await page.evaluate(() => window.__gaps)).slice(1).sort((a, b) => a - b);
  const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))].toFixed(1);
  const ms = (f1[1] - f0[1]) / (f1[0] - f0[0]);
  console.log(`${id} ${train ? "training" : "idle    "}: ${ms.toFixed(1)} ms/frame (${(1000 / ms).toFixed(1)} fps; ` +
              `median ${q(0.5)}, p95 ${q(0.95)}, longest ${gaps[gaps.length - 1].toFixed(1)} ms), ` +
              `first 30 frames after ${ready.toFixed(1)} s` +
              (train ? `, ${((f1[2] - f0[2]) / ((f1[1] - f0[1]) / 1000)).toFixed(0)} steps/s` : "") +
              (train && f1[3] !== undefined ? `, ${f1[3]} examples/s (status)` : ""));
  await page.close();
}
await browser.close();
server.close();
