// Frame rate of a lesson in headless Chromium (SwiftShader), idle and while training, for the
// notes: node tests/browser/fps.mjs build/web lesson-id [seconds] [extra query, e.g. "open=1"].
// The page draws a frame only when something changed (redraw=always in `extra` draws every
// tick, as before). Prints the frames drawn per second and the page thread's work per drawn
// frame (busy), the mean tick time, the median, 95th percentile and longest tick
// (requestAnimationFrame gaps) over `seconds` once the dataset is in (or not wanted) and 30
// ticks have passed; the
// longest frame before that (opening the page) and the longest from the dataset's arrival on
// (when a lesson builds its models); the training steps/s and, when the lesson reports it
// (status examples_per_s), the examples/s its training panel shows. A measurement, not a test.
import { chromium } from "playwright-core";
import { serve } from "../../tools/serve.mjs";
import { expr } from "./common.mjs";

const [site = "build/web", id = "denoising", secondsArg = "8", extra = ""] = process.argv.slice(2);
const seconds = Number(secondsArg);
const { server, url } = await serve(site, 0);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const sample = () => [Module.aelabState.frames, performance.now(), Number(Module.aelabState.status.step || 0),
                      Module.aelabState.status.examples_per_s, Module.aelabState.status.training_job,
                      Module.aelabState.status.trainer, Module.aelabState.workers || 0,
                      Module.aelabState.status.training_eval_every, Module.aelabState.drawn,
                      Module.aelabState.software_gl, Module.aelabState.training_redraw_ms];
// FPS_ONLY=idle or FPS_ONLY=train measures one of the two (e.g. an idle page beside a CLI run).
const phases = process.env.FPS_ONLY === "idle" ? [0] : process.env.FPS_ONLY === "train" ? [1] : [0, 1];
for (const train of phases) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // Gaps between animation frames from the page's start: opening (the first frames, building the
  // lesson's models when the dataset arrives) and the measured window after it.
  await page.addInitScript(() => {
    window.__gaps = [];
    window.__busy = [];  // the page thread's own work per drawn frame (aelabState.busy_ms)
    window.__afterData = 0;  // the longest frame once the dataset is in (the lesson builds its models)
    let last = performance.now(), ready = false, drawn = -1;
    const tick = (t) => {
      // This callback runs before the page's own in each animation frame: the gap it sees holds the
      // page's previous frame, the one that reported the dataset ready (and built the models).
      ready = ready || (typeof Module !== "undefined" && Module.aelabState && Module.aelabState.data === "ready");
      window.__gaps.push(t - last);
      if (ready && Module.aelabState && Module.aelabState.busy_ms !== undefined && Module.aelabState.drawn !== drawn)
        window.__busy.push(Module.aelabState.busy_ms), drawn = Module.aelabState.drawn;
      if (ready) window.__afterData = Math.max(window.__afterData, t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const opened = Date.now();
  await page.goto(`${url}?lesson=${id}&train=${train}${extra ? "&" + extra : ""}`);
  await page.waitForFunction(expr(`typeof Module !== "undefined" && Module.aelabState && Module.aelabState.data !== "loading"
                              && Module.aelabState.frames > 30`), null, { timeout: 90000 });
  const ready = (Date.now() - opened) / 1000;
  // FPS_DELAY=s: wait that long before measuring (a job that builds for a while in its worker,
  // e.g. the PCA of pca-linear-ae, is then past its start).
  if (process.env.FPS_DELAY) await page.waitForTimeout(1000 * Number(process.env.FPS_DELAY));
  const f0 = await page.evaluate(sample);
  const opening = await page.evaluate(() => window.__gaps.splice(0).slice(1));
  await page.evaluate(() => window.__busy.splice(0));
  await page.waitForTimeout(seconds * 1000);
  const f1 = await page.evaluate(sample);
  const gaps = (await page.evaluate(() => window.__gaps)).sort((a, b) => a - b);
  const afterData = await page.evaluate(() => window.__afterData);
  const busy = (await page.evaluate(() => window.__busy)).sort((a, b) => a - b);
  const bq = (p) => busy.length ? busy[Math.min(busy.length - 1, Math.floor(p * busy.length))].toFixed(1) : "?";
  const q = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))].toFixed(1);
  const ms = (f1[1] - f0[1]) / (f1[0] - f0[0]);
  const drawnPerS = (f1[8] - f0[8]) / ((f1[1] - f0[1]) / 1000);
  console.log(`${id} ${train ? "training" : "idle    "}: ${drawnPerS.toFixed(1)} frames drawn/s, ticks ${ms.toFixed(1)} ms (` +
              `median ${q(0.5)}, p95 ${q(0.95)}, longest ${gaps[gaps.length - 1].toFixed(1)} ms; ` +
              `); page thread busy per drawn frame median ${bq(0.5)}, p95 ${bq(0.95)} ms, ` +
              `${f1[9] ? "software GL" : "GPU"}, training frames every ${Number(f1[10]).toFixed(0)} ms, ` +
              `ready after ${ready.toFixed(1)} s, longest frame while opening ${Math.max(...opening).toFixed(0)} ms` +
              (afterData ? ` (${afterData.toFixed(0)} ms from the dataset's arrival on)` : "") +
              (train ? `, ${((f1[2] - f0[2]) / ((f1[1] - f0[1]) / 1000)).toFixed(0)} steps/s` : "") +
              (train && f1[3] !== undefined ? `, ${f1[3]} examples/s (status)` : "") +
              (train && f1[4] ? `, on ${f1[5]} (${f1[6]} workers), evaluating every ${f1[7]} steps: ${f1[4]}` : ""));
  await page.close();
}
await browser.close();
server.close();
