// Issue 16: training in a Web Worker. Headless Chromium, the site served on 127.0.0.1.
//   AELAB_CLI_JS=build/wasm-cli/aelab-cli.js node tests/browser/train.test.mjs SITE_DIR [SCREENSHOT_DIR]
// AELAB_CLI_JS is the wasm aelab-cli (default: wasm-cli/ beside SITE_DIR), run under node for the
// reference run.
// - A lesson trained through its worker reports the same loss digest (every loss's bits) as the
//   CLI's `bench-train --steps N` for the spec the page reports, as the page's own thread with
//   worker=0, and as a page whose worker cannot start (its file missing), which trains on the page's
//   thread with a message.
// - Reset while the worker trains: no stale step or loss is shown; Train again reuses the worker.
// - Lessons opened one after another while training: the worker threads alive (Chromium's own
//   count, page.workers()) never exceed the lessons the host keeps, and the page's count agrees.
// - The page draws only when something changed: an idle lesson a few frames a second, input at
//   once, a run in the worker every 100 ms; redraw=always every tick.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, expr, launch, moreFrames, results, screenshotDir, serve, settle, site, withPage } from "./common.mjs";

const shots = screenshotDir("build/screenshots/train");
const cli = process.env.AELAB_CLI_JS || path.join(site, "..", "wasm-cli", "aelab-cli.js");
const { server, url: base } = await serve(site, 0);
const browser = await launch();
const KEPT_LESSONS = 3;  // web/main.cpp kKeptLessons
const STEPS = 60;
const URL_RUN = `?lesson=denoising&train=1&steps=${STEPS}&seed=4&open=1`;

// Opens `query`, waits until the run has finished its STEPS steps, returns the page's state.
async function trainToEnd(page, query) {
  await page.goto(base + query);
  await settle(page, 10, `Module.aelabState.data !== "loading"`);
  await page.waitForFunction(expr(`Module.aelabState.status.loss_steps === "${STEPS}" && Module.aelabState.status.step === "${STEPS}"`),
                             null, { timeout: 120000, polling: 100 });
  return page.evaluate(() => Module.aelabState);
}

function cliDigest(spec) {
  const out = execFileSync(process.execPath, ["--no-experimental-fetch", cli, "bench-train", "--job", spec, "--steps", String(STEPS),
                                              "--json", "--data", path.join(site, "data", "fashion-mnist.aelab")],
                           { encoding: "utf8", timeout: 300000 });
  const line = JSON.parse(out.trim().split("\n").pop());
  return line.cases[0].loss_digest;
}

try {
  let reference;
  await withPage(browser, "worker-trains-like-the-cli", {}, async (page) => {
    const s = await trainToEnd(page, URL_RUN);
    expect(s.status.trainer === "worker", `trained on '${s.status.trainer}' (${s.status.trainer_notice})`);
    expect(s.workers === 1 && page.workers().length === 1, `workers: page ${s.workers}, Chromium ${page.workers().length}`);
    expect(/^denoising\?/.test(s.status.training_job), `training_job '${s.status.training_job}'`);
    expect(/^[0-9a-f]{16}$/.test(s.status.loss_digest), `loss_digest '${s.status.loss_digest}'`);
    const want = cliDigest(s.status.training_job);
    expect(s.status.loss_digest === want, `the worker's losses (digest ${s.status.loss_digest}) differ from the CLI's (${want})`);
    reference = s.status;
    console.log(`     ${s.status.training_job}: digest ${want} in the worker and the wasm CLI`);
    await page.screenshot({ path: path.join(shots, "train-worker-finished.png") });
  });

  await withPage(browser, "worker=0-trains-on-the-page-thread", {}, async (page) => {
    const s = await trainToEnd(page, URL_RUN + "&worker=0");
    expect(s.status.trainer === "inline", `trained on '${s.status.trainer}'`);
    expect(s.workers === 0 && page.workers().length === 0, `workers: page ${s.workers}, Chromium ${page.workers().length}`);
    expect(reference && s.status.training_job === reference.training_job, "another job than the worker's run");
    expect(reference && s.status.loss_digest === reference.loss_digest,
           `page thread digest ${s.status.loss_digest}, worker ${reference && reference.loss_digest}`);
  });

  for (const missing of ["aelab-train-worker.js", "aelab-train.wasm"]) {
    await withPage(browser, `missing-${missing}-falls-back`, {
      allowErrors: [/Failed to load resource.*404/, /aelab-train/i, /worker/i, /Aborted\(CompileError/],
      route: (page) => page.route(`**/${missing}`, (r) => r.fulfill({ status: 404, body: "gone" })),
    }, async (page) => {
      const s = await trainToEnd(page, URL_RUN);
      expect(s.status.trainer === "inline", `trained on '${s.status.trainer}'`);
      expect(/could not/.test(s.status.trainer_notice), `notice '${s.status.trainer_notice}'`);
      expect(reference && s.status.loss_digest === reference.loss_digest,
             `fallback digest ${s.status.loss_digest}, worker ${reference && reference.loss_digest}`);
      const doc = await page.evaluate(() => JSON.stringify(aelabUI.document ? aelabUI.document() : {}));
      console.log(`     ${missing} missing: ${s.status.trainer_notice}`);
      await page.screenshot({ path: path.join(shots, `train-missing-${missing}.png`) });
      void doc;
    });
  }

  await withPage(browser, "reset-mid-run-shows-no-stale-snapshot", {}, async (page) => {
    await page.goto(`${base}?lesson=denoising&train=1&steps=3000&open=15&textview=1`);
    await settle(page, 10, `Module.aelabState.data !== "loading"`);
    await page.waitForFunction(expr(`Number(Module.aelabState.status.step) >= 40`), null, { timeout: 120000, polling: 100 });
    // The text view's buttons (the canvas covers the page's own copy of them for the pointer).
    const press = async (name) => {
      await page.locator("#textview").getByRole("button", { name }).first().focus();
      await page.keyboard.press("Enter");
    };
    await press("Reset training");
    // From the frame after the reset on, the page shows step 0 and no loss of the old run, for a
    // while (the worker's in-flight snapshot of the old run must be dropped, not shown).
    await page.waitForFunction(expr(`Module.aelabState.status.step === "0"`), null, { timeout: 10000, polling: 50 });
    for (let i = 0; i < 20; i++) {
      const s = await moreFrames(page, 1);
      expect(s.status.step === "0" && (s.status.loss_steps === "0" || s.status.loss_steps === undefined || s.status.loss_steps === ""),
             `after Reset frame ${i}: step ${s.status.step}, losses ${s.status.loss_steps}`);
    }
    await press("Start training");
    await page.waitForFunction(expr(`Number(Module.aelabState.status.step) >= 20`), null, { timeout: 120000, polling: 100 });
    const s = await page.evaluate(() => Module.aelabState);
    expect(s.status.loss_steps === s.status.step || Number(s.status.loss_steps) >= 20, `steps ${s.status.step}, losses ${s.status.loss_steps}`);
    expect(s.workers === 1 && page.workers().length === 1, `after Reset and Train: ${s.workers} workers (Chromium ${page.workers().length})`);
  });

  await withPage(browser, "lesson-switches-leak-no-worker", {}, async (page) => {
    const ids = ["denoising", "vae", "conv-autoencoder", "pca-linear-ae", "rbm", "denoising"];
    await page.goto(`${base}?lesson=${ids[0]}`);
    await settle(page, 10, `Module.aelabState.data === "ready"`);
    let most = 0;
    for (const id of ids) {
      const ok = await page.evaluate((i) => Module.ccall("aelab_open_lesson", "number", ["string"], [i]), id);
      expect(ok === 1, `aelab_open_lesson('${id}')`);
      await page.evaluate(() => Module.ccall("aelab_set_params", null, ["string"], ["train=1"]));
      // The state of a frame of this lesson (the page draws the next frame, the last one's state
      // stays until then) whose run trains: one lesson trains at a time on 2 cores, the one shown.
      await page.waitForFunction(expr(`Module.aelabState.lesson === "${id}" && Number(Module.aelabState.status.step) >= 5 &&
                                       Module.aelabState.status.trainer !== undefined`), null, { timeout: 120000, polling: 100 });
      const s = await page.evaluate(() => Module.aelabState);
      const threads = page.workers().length;
      most = Math.max(most, threads);
      expect(s.status.trainer === "worker", `${id} trains on '${s.status.trainer}' (${s.status.trainer_notice})`);
      expect(threads === s.workers, `${id}: Chromium has ${threads} workers, the page counts ${s.workers}`);
      expect(threads <= KEPT_LESSONS, `${id}: ${threads} workers alive, more than the ${KEPT_LESSONS} lessons kept`);
    }
    console.log(`     ${ids.length} lessons opened while training: at most ${most} workers alive`);
    // A reload of the link (train=1 in it while training) starts one run in a fresh page: one worker.
    await page.reload();
    await settle(page, 10, `Module.aelabState.data === "ready"`);
    await page.waitForFunction(expr(`Number(Module.aelabState.status.step) >= 5`), null, { timeout: 120000, polling: 100 });
    const r = await page.evaluate(() => Module.aelabState);
    expect(page.workers().length === 1 && r.workers === 1, `after a reload: Chromium ${page.workers().length} workers, page ${r.workers}`);
    // The lesson without train=1: nothing trains, no worker is started.
    await page.goto(`${base}?lesson=denoising`);
    await settle(page, 30, `Module.aelabState.data === "ready"`);
    expect(page.workers().length === 0, `a page that does not train has ${page.workers().length} workers`);
  });
  // The page draws only when something changed (web/main.cpp should_draw): the main loop keeps
  // ticking with the browser's animation frames, an idle lesson draws about 4 frames a second,
  // input draws at once, a run in the worker draws every 100 ms, and redraw=always draws each tick.
  await withPage(browser, "draws-only-on-change", {}, async (page) => {
    const counts = () => page.evaluate(() => [Module.aelabState.frames, Module.aelabState.drawn, performance.now(),
                                              Number(Module.aelabState.status.step || 0)]);
    const over = async (ms, act) => {
      const a = await counts();
      if (act) await act();
      await page.waitForTimeout(ms);
      const b = await counts();
      const s = (b[2] - a[2]) / 1000;
      return { ticks: b[0] - a[0], drawn: b[1] - a[1], s, perS: (b[1] - a[1]) / s, steps: b[3] - a[3] };
    };
    await page.goto(`${base}?lesson=convolution`);
    await settle(page, 30, `Module.aelabState.data !== "loading"`);
    await page.waitForTimeout(1200);  // the opening second draws every tick
    const idle = await over(2000);
    console.log(`     idle: ${idle.drawn} frames drawn in ${idle.ticks} ticks over ${idle.s.toFixed(1)} s`);
    expect(idle.drawn >= 3 && idle.perS <= 6, `an idle page drew ${idle.drawn} frames in ${idle.s.toFixed(1)} s`);
    expect(idle.ticks >= 2 * idle.drawn, `${idle.ticks} ticks for ${idle.drawn} frames drawn`);
    const moved = await over(400, async () => { await page.mouse.move(300, 300); await page.mouse.move(320, 330); });
    expect(moved.drawn >= 4 && moved.drawn >= moved.ticks - 2, `after the mouse moved: ${moved.drawn} frames in ${moved.ticks} ticks`);
    const always = await (async () => {
      await page.goto(`${base}?lesson=convolution&redraw=always`);
      await settle(page, 30, `Module.aelabState.data !== "loading"`);
      return over(1000);
    })();
    expect(always.drawn >= always.ticks - 1, `redraw=always: ${always.drawn} frames in ${always.ticks} ticks`);
    await page.goto(`${base}?lesson=denoising&train=1`);
    await settle(page, 10, `Module.aelabState.data === "ready"`);
    await page.waitForFunction(expr(`Number(Module.aelabState.status.step) >= 5`), null, { timeout: 120000, polling: 100 });
    await page.waitForTimeout(1200);
    const training = await over(2000);
    console.log(`     training in the worker: ${training.drawn} frames drawn in ${training.ticks} ticks over ` +
                `${training.s.toFixed(1)} s, ${training.steps} steps shown`);
    expect(training.steps > 0 && training.drawn >= 5 && training.perS <= 12,
           `while training: ${training.drawn} frames drawn in ${training.s.toFixed(1)} s, ${training.steps} steps`);
  });
} finally {
  await browser.close();
  server.close();
}
console.log(`${results.passed} passed, ${results.failures} failed`);
process.exit(results.failures ? 1 : 0);
