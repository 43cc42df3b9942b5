// Training steps/s of a job in the site's training worker (web/aelab-train-worker.js) in headless
// Chromium, driven by postMessage from a page that draws nothing: the worker's own rate, without
// the lesson page's rendering beside it. A measurement for notes, not a test:
//   node tools/worker_rate.mjs build/web "SPEC" [seconds=8] [eval_every=0]
// (SPEC as a page reports it in Module.aelabState.status.training_job; compare with
// `aelab-cli bench-train --job SPEC --eval-every N`.)
import { createRequire } from "node:module";
import path from "node:path";
import { serve } from "./serve.mjs";

const require = createRequire(path.resolve("tests/browser/package.json"));
const { chromium } = require("playwright-core");
const [site = "build/web", spec = "denoising", secondsArg = "8", everyArg = "0"] = process.argv.slice(2);
const { server, url } = await serve(site, 0);
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true,
                                        args: ["--no-sandbox", "--disable-background-networking", "--no-first-run"] });
const page = await browser.newPage();
await page.goto(url + "aelab-page.css");  // any page of the site (the worker must be same-origin) that draws nothing
const r = await page.evaluate(async ({ spec, seconds, every }) => {
  const w = new Worker("aelab-train-worker.js");
  let step = 0, first = -1, t0 = 0, error = "";
  const done = new Promise((resolve) => {
    w.onerror = (e) => { error = "worker error: " + e.message; resolve(); };
    setTimeout(() => { error = error || `no snapshot after ${seconds + 30} s`; resolve(); }, (seconds + 30) * 1000);
    w.onmessage = (e) => {
      if (e.data.type === "error") { error = e.data.message; resolve(); return; }
      step = new DataView(e.data.bytes).getUint32(12, true);  // JobSnapshot: "AJS1", generation, state, step
      w.postMessage({ cmd: "ack" });
      if (first < 0 && step > 0) { first = step; t0 = performance.now(); }
      if (first >= 0 && performance.now() - t0 >= seconds * 1000) resolve();
    };
  });
  w.postMessage({ cmd: "init", dataUrl: new URL("data/fashion-mnist.aelab", location.href).href });
  w.postMessage({ cmd: "configure", generation: 1, spec, maxSteps: 0, evalEvery: every, evalAtStart: 0, explodeFactor: 100 });
  w.postMessage({ cmd: "start" });
  await done;
  w.terminate();
  return { error, steps: step - first, ms: performance.now() - t0 };
}, { spec, seconds: Number(secondsArg), every: Number(everyArg) });
console.log(r.error ? `error: ${r.error}` : `${spec}: ${(r.steps / (r.ms / 1000)).toFixed(1)} steps/s in the worker ` +
            `(${r.steps} steps in ${(r.ms / 1000).toFixed(2)} s, evaluating every ${everyArg})`);
await browser.close();
server.close();
