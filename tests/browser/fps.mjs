// Frame rate of a lesson in headless Chromium (SwiftShader), idle and while training, for the
// notes: node tests/browser/fps.mjs build/web lesson-id [seconds]. A measurement, not a test.
import { chromium } from "playwright-core";
import { serve } from "../../tools/serve.mjs";

const [site = "build/web", id = "denoising", secondsArg = "8"] = process.argv.slice(2);
const seconds = Number(secondsArg);
const { server, url } = await serve(site, 0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
for (const train of [0, 1]) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${url}?lesson=${id}&train=${train}`);
  await page.waitForFunction(`typeof Module !== "undefined" && Module.aelabState && Module.aelabState.data === "ready"
                              && Module.aelabState.frames > 30`, null, { timeout: 90000 });
  const f0 = await page.evaluate(() => [Module.aelabState.frames, performance.now(), Number(Module.aelabState.status.step || 0)]);
  await page.waitForTimeout(seconds * 1000);
  const f1 = await page.evaluate(() => [Module.aelabState.frames, performance.now(), Number(Module.aelabState.status.step || 0)]);
  const ms = (f1[1] - f0[1]) / (f1[0] - f0[0]);
  console.log(`${id} ${train ? "training" : "idle    "}: ${ms.toFixed(1)} ms/frame (${(1000 / ms).toFixed(1)} fps)` +
              (train ? `, ${((f1[2] - f0[2]) / ((f1[1] - f0[1]) / 1000)).toFixed(0)} steps/s` : ""));
  await page.close();
}
await browser.close();
server.close();
