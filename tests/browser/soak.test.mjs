// Browser soak test (issue 14): one page, for AELAB_SOAK_SECONDS (default 90), trains each training
// lesson in turn for a stated time and switches lessons a few hundred times, sampling memory every
// 2 s; fails if the memory in use keeps growing after the warm-up.
//   node tests/browser/soak.test.mjs [SITE_DIR=build/web] [OUT_DIR=build/soak]
//   AELAB_SOAK_SECONDS=600 node tests/browser/soak.test.mjs      (the long run)
//
// The training lessons are the registered lessons (lessons/registry.cpp) whose source uses the kit's
// LiveTraining (lessons/kit/training.hpp). The page is driven as a course page or a reader would:
// lessons open through the host's menu path (aelab_open_lesson, the same open_lesson as a sidebar
// click), training starts from a "set" of URL parameters (aelab_set_params "train=1", which reopens
// the lesson: a new instance, the old one freed), and a run that finishes is started again.
//
// Samples (CSV in OUT_DIR/soak-<seconds>s.csv): the wasm heap in use (malloc's uordblks,
// aelab_heap_used), the wasm memory's size (grows, never shrinks: aelab_memory_bytes), and the JS
// heap in use after a full collection (CDP HeapProfiler.collectGarbage, Runtime.getHeapUsage).
// Warm-up: every lesson opened once and every training lesson trained once, and at least the first
// 20% of the run. Memory in use moves between levels without growing: the lesson training at that
// moment has its step's workspace, and the core keeps bounded scratch buffers (conv_indirect's
// padded-layout LRU of 8, the GEMM packing buffers) whose sizes follow the convolutions that ran
// last; in a 10-minute run the wasm heap's floor moved between 269.7, 273.6 and 279.0 MB and back.
// So a series "keeps growing" only when, over the samples after the warm-up, BOTH
//   - the least-squares slope over the second half is above SLOPE MB/min, and
//   - the smallest value of the last third is above the LARGEST of the first third by MARGIN MB
//     (growth beyond anything the first third showed);
// one alone is noise (a big lesson training at the end of the run; one step of the memory's growth
// long ago). The report also gives the first third's smallest value.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, expr, launch, results, screenshotDir, serve, settle, site, withPage } from "./common.mjs";

const out = screenshotDir("build/soak");
const SECONDS = Number(process.env.AELAB_SOAK_SECONDS || 90);
const LIMITS = {  // MB/min over the second half, MB between the thirds
  wasm_heap_used_mb: { slope: 0.5, margin: 2 },
  wasm_memory_mb: { slope: 0.5, margin: 8 },
  js_heap_used_mb: { slope: 0.25, margin: 1 },
};
const TRAIN_SECONDS = Math.min(30, Math.max(2, Math.round(SECONDS / 40)));  // per visit of a training lesson
const SWITCHES_PER_VISIT = 30;
// The test of the test: AELAB_SOAK_LEAK=wasm,js leaks 256 KiB of malloc and/or ~64 KiB of JS objects
// at every lesson switch, which the run must then report as growing.
const LEAK = (process.env.AELAB_SOAK_LEAK || "").split(",").filter(Boolean);
const SAMPLE_MS = 2000;  // a sample (a full JS collection first) takes ~0.25 s here

// The training lessons, from the sources.
const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../lessons");
const registry = fs.readFileSync(path.join(src, "registry.cpp"), "utf8");
const TRAINING = [...registry.matchAll(/LESSON\((\w+),\s*"([^"]+)"/g)]
  .filter(([, file]) => [".cpp", ".hpp"].some((ext) => {
    const f = path.join(src, file + ext);
    return fs.existsSync(f) && /\bLiveTraining\b/.test(fs.readFileSync(f, "utf8"));
  }))
  .map(([, , id]) => id);

// A small deterministic generator, so a failing run can be repeated switch for switch.
let seed = 20240514;
const rand = (n) => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return (seed >>> 8) % n; };

const MB = 1024 * 1024;
const samples = [];
let switches = 0, reopens = 0, warmupEnd = Infinity, sampleMs = 0;
const trained = {};  // lesson -> {seconds, steps, runs}

function fit(points) {  // least squares: slope of y over x
  const n = points.length, mx = points.reduce((a, p) => a + p[0], 0) / n, my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0, sxx = 0;
  for (const [x, y] of points) { sxy += (x - mx) * (y - my); sxx += (x - mx) ** 2; }
  return sxx > 0 ? sxy / sxx : 0;
}
function growth(series) {  // series: [[minutes, MB]] after the warm-up
  const half = series.slice(Math.floor(series.length / 2));
  const third = Math.max(1, Math.floor(series.length / 3));
  return {
    slope: fit(half),
    firstMax: Math.max(...series.slice(0, third).map((p) => p[1])),
    firstMin: Math.min(...series.slice(0, third).map((p) => p[1])),
    lastMin: Math.min(...series.slice(series.length - third).map((p) => p[1])),
  };
}

const { server, url: base } = await serve(site, 0);
const browser = await launch();
let report = "";
try {
  await withPage(browser, `soak-${SECONDS}s`, {}, async (page) => {
    const cdp = await page.context().newCDPSession(page);
    const t0 = Date.now();
    const elapsed = () => (Date.now() - t0) / 1000;
    let nextSample = 0, phase = "warmup";
    async function sample(force = false) {
      if (!force && Date.now() < nextSample) return;
      nextSample = Date.now() + SAMPLE_MS;
      const began = Date.now();
      await cdp.send("HeapProfiler.collectGarbage");
      const js = await cdp.send("Runtime.getHeapUsage");
      const w = await page.evaluate(() => [Module._aelab_heap_used(), Module._aelab_memory_bytes(), Module.aelabState.lesson,
                                           Module.aelabState.frames, (Module.aelabState.status || {}).step || ""]);
      samples.push({ t_s: elapsed(), phase, lesson: w[2], frames: w[3], step: w[4], switches, reopens,
                     wasm_heap_used_mb: w[0] / MB, wasm_memory_mb: w[1] / MB,
                     js_heap_used_mb: js.usedSize / MB, js_heap_total_mb: js.totalSize / MB });
      sampleMs += Date.now() - began;
    }
    const state = () => page.evaluate(() => Module.aelabState);
    async function frames(n) {  // waits for n more frames, sampling meanwhile
      const f = (await state()).frames;
      for (;;) {
        const s = await state();
        if (s.frames >= f + n) return s;
        await sample();
        await page.waitForTimeout(15);
      }
    }
    async function open(id) {
      const ok = await page.evaluate((i) => Module.ccall("aelab_open_lesson", "number", ["string"], [i]), id);
      expect(ok === 1, `aelab_open_lesson('${id}') refused`);
      switches++;
      if (LEAK.length) await page.evaluate((l) => {
        if (l.includes("wasm")) Module._malloc(262144);
        if (l.includes("js")) (window.__soakLeak = window.__soakLeak || []).push(new Array(8192).fill(0).map((_, i) => i + 0.5));
      }, LEAK);
      const s = await frames(1);  // the lesson drawn once
      expect(s.lesson === id, `opened '${id}', the page shows '${s.lesson}'`);
      await sample();
    }
    async function startTraining() {
      reopens++;
      await page.evaluate((n) => Module.ccall("aelab_set_params", null, ["string"], [`train=1\nsoak=${n}`]), reopens);
    }
    // Trains the open lesson for `seconds`, starting it again (a new model) when a run ends.
    async function train(id, seconds, minSteps = 1) {
      const rec = trained[id] || (trained[id] = { seconds: 0, steps: 0, runs: 0 });
      const until = Date.now() + seconds * 1000;
      await startTraining();
      rec.runs++;
      let last = -1, lastMoved = Date.now(), stepsThisRun = 0;
      while (Date.now() < until || stepsThisRun < minSteps) {
        const s = await state();
        expect(s.data !== "failed", `${id}: the dataset failed`);
        const step = Number((s.status || {}).step);
        if (Number.isFinite(step) && step !== last) {
          if (step > last) rec.steps += step - Math.max(0, last);  // a new run starts from 0
          if (step > stepsThisRun) stepsThisRun = step;
          last = step;
          lastMoved = Date.now();
        } else if (Date.now() - lastMoved > 3000 && s.data !== "loading") {  // finished (or never started): again
          if (stepsThisRun === 0 && Date.now() - lastMoved > 60000) throw new Error(`${id} does not train: ${JSON.stringify(s.status)}`);
          if (stepsThisRun > 0) {
            await startTraining();
            rec.runs++;
            last = -1;
            lastMoved = Date.now();
          }
        }
        await sample();
        await page.waitForTimeout(100);
      }
      rec.seconds += seconds;
    }

    await page.goto(base);
    const home = await settle(page, 10);
    const lessons = home.lessons;
    expect(TRAINING.length >= 5 && TRAINING.every((id) => lessons.includes(id)), `training lessons ${TRAINING} among ${lessons}`);
    console.log(`     ${SECONDS} s; training lessons (LiveTraining): ${TRAINING.join(", ")}; ${TRAIN_SECONDS} s of training ` +
                `per visit, ${SWITCHES_PER_VISIT} lesson switches between visits`);
    await sample(true);

    // Warm-up: every lesson once, every training lesson trained a little.
    for (const id of lessons) {
      await open(id);
      await page.waitForFunction(expr(`Module.aelabState.data !== "loading"`), null, { timeout: 90000, polling: 100 });
      await frames(3);
    }
    for (const id of TRAINING) {
      await open(id);
      await train(id, 0, 5);
    }
    await open("");
    warmupEnd = Math.max(elapsed(), 0.2 * SECONDS);
    console.log(`     warm-up done at ${elapsed().toFixed(0)} s (samples after ${warmupEnd.toFixed(0)} s count)`);

    // The soak: visit the training lessons in turn, with lesson switches in between.
    let visit = 0;
    while (elapsed() < SECONDS) {
      if (elapsed() >= warmupEnd) phase = "soak";
      const id = TRAINING[visit++ % TRAINING.length];
      await open(id);
      await train(id, Math.min(TRAIN_SECONDS, Math.max(1, SECONDS - elapsed())));
      for (let i = 0; i < SWITCHES_PER_VISIT && elapsed() < SECONDS; i++) {
        const r = rand(lessons.length + 1);
        await open(r === lessons.length ? "" : lessons[r]);  // now and then the overview
      }
      if (elapsed() >= warmupEnd) phase = "soak";
    }
    await frames(2);
    await sample(true);
    const last = await state();
    expect(last.frames > home.frames && last.drawn > home.drawn, "the page stopped drawing");
    await page.screenshot({ path: path.join(out, `soak-${SECONDS}s-end.png`) });

    // The figures.
    const cols = Object.keys(samples[0]);
    const csv = path.join(out, `soak-${SECONDS}s.csv`);
    fs.writeFileSync(csv, [cols.join(","), ...samples.map((s) => cols.map((c) =>
      typeof s[c] === "number" ? (Number.isInteger(s[c]) ? s[c] : s[c].toFixed(3)) : s[c]).join(","))].join("\n") + "\n");
    const post = samples.filter((s) => s.t_s >= warmupEnd);
    expect(post.length >= 12, `only ${post.length} samples after the warm-up: run longer (AELAB_SOAK_SECONDS)`);
    const lines = [];
    lines.push(`     ${samples.length} samples (${post.length} after the warm-up at ${warmupEnd.toFixed(0)} s), ${switches} lesson ` +
               `switches, ${reopens} training starts, ${elapsed().toFixed(0)} s in all (${(sampleMs / 1000).toFixed(1)} s ` +
               `of it sampling); CSV: ${csv}`);
    lines.push(`     trained: ${Object.entries(trained).map(([k, v]) => `${k} ${v.seconds} s/${v.steps} steps/${v.runs} runs`).join("; ")}`);
    // A table: minutes vs MB (the mean over each tenth of the run, and the last sample).
    const bins = 10, rows = [];
    for (let b = 0; b < bins; b++) {
      const lo = (b * elapsed()) / bins, hi = ((b + 1) * elapsed()) / bins;
      const inBin = samples.filter((s) => s.t_s >= lo && s.t_s < hi);
      if (!inBin.length) continue;
      const mean = (k) => inBin.reduce((a, s) => a + s[k], 0) / inBin.length;
      rows.push(`     ${(hi / 60).toFixed(2).padStart(6)} min  ${mean("wasm_heap_used_mb").toFixed(1).padStart(8)}  ` +
                `${Math.max(...inBin.map((s) => s.wasm_memory_mb)).toFixed(0).padStart(8)}  ${mean("js_heap_used_mb").toFixed(2).padStart(8)}`);
    }
    lines.push("     until      wasm heap  wasm mem   JS heap  (MB: heap and JS heap means, memory max)", ...rows);
    const failed = [];
    for (const [k, lim] of Object.entries(LIMITS)) {
      const g = growth(post.map((s) => [s.t_s / 60, s[k]]));
      const grows = g.slope > lim.slope && g.lastMin > g.firstMax + lim.margin;
      lines.push(`     ${k}: slope over the second half ${g.slope.toFixed(2)} MB/min (limit ${lim.slope}), last third's min ` +
                 `${g.lastMin.toFixed(2)} vs first third's max ${g.firstMax.toFixed(2)} (+${lim.margin} allowed; ` +
                 `first third's min ${g.firstMin.toFixed(2)})` +
                 `${grows ? ": KEEPS GROWING" : ""}`);
      if (grows) failed.push(k);
    }
    report = lines.join("\n");
    console.log(report);
    expect(failed.length === 0, `memory keeps growing after the warm-up: ${failed.join(", ")}`);
  });
} finally {
  await browser.close();
  server.close();
}
process.exit(results.failures ? 1 : 0);
