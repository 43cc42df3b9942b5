// Accessibility tests of the web build (issue 13), in headless Chromium like lessons.test.mjs:
//  1. axe-core on every lesson (ids from Module.aelabState.lessons) in the dark and the light theme,
//     with the text view hidden, and with it shown (&textview=show) for one lesson per theme: no
//     "serious" or "critical" violation.
//  2. The accessibility tree of the convolution lesson: headings and the step's sum, a key press on
//     the canvas changes it, the text view's "stride S" box changes the lesson and the canvas.
//  3. Keyboard only (page.keyboard, no mouse): an op lesson (Tab to the canvas, step, "?" overlay,
//     Escape twice leaves the canvas) and a training lesson (start and pause training from the
//     text view's buttons).
//  4. Devices, every lesson: a phone (390x844, touch, dpr 2: no sideways scroll, a touch drag
//     scrolls the lesson), a tablet (820x1180, touch) and a 640x400 iframe (embed=1).
//  5. A course page on another origin drives the lesson in its iframe through postMessage, and the
//     lesson ignores messages from windows other than its parent.
//   node tests/browser/a11y.test.mjs [SITE_DIR=build/web] [SCREENSHOT_DIR=build/screenshots/a11y]
//   (AELAB_LESSONS=id,id limits the per-lesson tests while debugging.)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, launch, moreFrames, results, screenshotDir, serve, settle, shot, site, withPage } from "./common.mjs";

const shots = screenshotDir("build/screenshots/a11y");
const AXE = path.join(path.dirname(fileURLToPath(import.meta.url)), "node_modules", "axe-core", "axe.min.js");
const READY = `Module.aelabState.data !== "loading" && window.aelabUI && aelabUI.document() !== null`;
const PHONE = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
const TABLET = { viewport: { width: 820, height: 1180 }, hasTouch: true };

// Checks that do not stop a test: every problem is reported, the test fails at its end.
function checks() {
  const problems = [];
  return {
    check(cond, what) { if (!cond) problems.push(what); },
    done() { expect(problems.length === 0, problems.join("\n    ")); },
  };
}

// axe-core on the whole page once the text view has content; returns the serious and critical
// violations as lines (rule, impact, first target, help) and prints the milder ones.
async function axeViolations(page, label) {
  await settle(page, 30, READY);
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) {
    // The page's policy runs scripts from its own origin only (no inline script, which is what
    // addScriptTag({path}) adds): axe-core comes from the page's origin, by a route.
    const url = new URL("/__axe.min.js", page.url()).href;
    await page.route(url, (r) => r.fulfill({ path: AXE, contentType: "text/javascript; charset=utf-8" }));
    await page.addScriptTag({ url });
  }
  const found = await page.evaluate(async () => (await axe.run(document, { resultTypes: ["violations"] })).violations.map(
    (v) => ({ id: v.id, impact: v.impact, help: v.help, target: v.nodes[0] ? v.nodes[0].target.join(" ") : "", n: v.nodes.length })));
  const line = (v) => `axe ${label}: ${v.id} (${v.impact}, ${v.n} node(s)) at ${v.target}: ${v.help}`;
  for (const v of found.filter((v) => v.impact !== "serious" && v.impact !== "critical")) console.log(`     ${line(v)}`);
  return found.filter((v) => v.impact === "serious" || v.impact === "critical").map(line);
}

const docText = (page) => page.evaluate(() => aelabUI.document().nodes.map((n) => n.l + (n.v ? ` ${n.v}` : "")).join("\n"));
const capture = (page) => page.evaluate(() => aelabUI.document().capture);
// The text view's paragraph that starts with `prefix` (from the document the page rendered).
const paragraph = (page, prefix) => page.evaluate(
  (p) => (aelabUI.document().nodes.find((n) => n.r === "text" && n.l.startsWith(p)) || {}).l || "", prefix);
const noSidewaysScroll = (target) => target.evaluate(
  () => [document.scrollingElement.scrollWidth, window.innerWidth]);

// Presses Tab (or Shift+Tab) until `done(activeElement)` holds; returns the number of presses.
async function tabUntil(page, done, arg, { back = false, max = 400 } = {}) {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
    if (await page.evaluate(done, arg)) return i;
  }
  throw new Error(`${max} ${back ? "Shift+Tab" : "Tab"} presses never reached ${done.toString()} ${arg ?? ""}`);
}
const focusIsCanvas = () => document.activeElement && document.activeElement.id === "canvas";
const focusIsButton = (name) => document.activeElement && document.activeElement.tagName === "BUTTON" &&
  document.activeElement.textContent === name;

// A touch drag through CDP (real touch events, as a finger would give): from (x, y) by dy.
async function touchDrag(page, x, y, dy, steps = 12) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
  for (let i = 1; i <= steps; i++) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y: y + (dy * i) / steps }] });
    await page.waitForTimeout(30);
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await cdp.detach();
}

const started = Date.now();
const { server, url: base } = await serve(site, 0);
// The course page (web/embed-example.html) on another origin (localhost) with its iframe pointing at
// the lesson on 127.0.0.1. It is served from a file, not by page.route: Chromium's local network
// access checks keep a routed (so "public") page from framing a loopback address. Its policy lets it
// frame the lesson's origin (frame-src), as a course site's would; its script and style come along.
const courseDir = fs.mkdtempSync(path.join(os.tmpdir(), "aelab-course-"));
const courseHtml = fs.readFileSync(path.join(site, "embed-example.html"), "utf8")
  .replace('src="index.html?', `src="${base}index.html?`)
  .replace("frame-src 'self'", `frame-src 'self' ${new URL(base).origin}`);
fs.writeFileSync(path.join(courseDir, "embed-example.html"), courseHtml);
for (const f of ["embed-example.js", "embed-example.css"]) fs.copyFileSync(path.join(site, f), path.join(courseDir, f));
// A sibling frame of the lesson on the course page that posts to it (the course page's policy allows
// no inline script, so it is a page with a script file).
fs.writeFileSync(path.join(courseDir, "sibling.html"),
  '<!doctype html><html lang="en"><title>another frame</title><script src="sibling.js"></script></html>');
fs.writeFileSync(path.join(courseDir, "sibling.js"),
  `parent.frames[0].postMessage({ type: "set", params: { s1: 5 }, step: "last" }, "${new URL(base).origin}");\n` +
  "window.posted = true;\n");
const { server: courseServer, url: courseBase } = await serve(courseDir, 0, "localhost");
const browser = await launch();
let lessons = [];
try {
  // --- 2. The accessibility tree of the convolution lesson (and axe with the text view shown, dark) --
  await withPage(browser, "convolution-accessibility-tree", {}, async (page) => {
    const c = checks();
    await page.goto(`${base}?lesson=convolution&theme=dark&textview=show`);
    const s = await settle(page, 30, READY);
    lessons = s.lessons;
    expect(lessons.length >= 12 && lessons.includes("convolution"), `registered lessons: ${lessons}`);
    for (const v of await axeViolations(page, "convolution, dark, text view shown")) c.check(false, v);

    const body = page.locator("body");
    let snap = await body.ariaSnapshot();
    c.check(snap.includes('heading "Convolution" [level=1]'), "no level-1 heading \"Convolution\" in the tree");
    const sections = await page.evaluate(() => aelabUI.document().nodes.filter((n) => n.lv === 2).map((n) => n.l));
    c.check(sections.length >= 3 && sections[0] === "1. 1D: a kernel sliding along a signal", `level-2 headings: ${sections}`);
    for (const t of sections) c.check(snap.includes(`heading "${t}" [level=2]`), `no level-2 heading "${t}" in the tree`);
    c.check(snap.includes("y[0] = 1*1 + 4*2 + 3*1 = 12"), "the first step's sum y[0] = ... = 12 is not in the tree");
    c.check(snap.includes("step 1 / 8"), "no \"step 1 / 8\" in the tree");

    // A key on the canvas steps the lesson; the tree follows.
    await page.locator("#canvas").focus();
    await page.keyboard.press("ArrowRight");
    await page.waitForTimeout(1500);
    snap = await body.ariaSnapshot();
    c.check(snap.includes("y[1] = 4*1 + 3*2 + (-1)*1 = 9"), "after ArrowRight the tree lacks y[1] = 4*1 + 3*2 + (-1)*1 = 9");
    c.check(!snap.includes("y[0] = 1*1 + 4*2 + 3*1 = 12"), "after ArrowRight the tree still has y[0]'s sum");
    c.check(new URL(page.url()).searchParams.get("st1") === "1", `after ArrowRight the link is ${page.url()}`);

    // The text view's "stride S" box: a DOM control changes the lesson, and the canvas agrees.
    const stride = page.locator("#textview").getByRole("textbox", { name: "stride S", exact: true });
    const before = await capture(page);
    await stride.fill("2");
    await stride.press("Enter");
    await page.waitForFunction(() => new URL(location.href).searchParams.get("s1") === "2", null, { timeout: 10000 })
      .catch(() => c.check(false, `stride 2 typed in the text view, the link is ${page.url()}`));
    await page.waitForFunction((b) => aelabUI.document().capture > b + 2, before, { timeout: 10000 });
    await moreFrames(page, 3);
    const lout = await paragraph(page, "L_out");
    c.check(lout.endsWith("= 4"), `the text view's L_out paragraph: '${lout}'`);
    c.check((await stride.inputValue()) === "2", `the stride box shows '${await stride.inputValue()}'`);
    const grid = await page.evaluate(() => (aelabUI.document().nodes.find((n) => n.r === "table" && n.l.startsWith("y1grid")) || {}).l);
    c.check(grid && grid.startsWith("y1grid: 1 x 4 numbers"), `the output table drawn on the canvas: '${grid}'`);
    c.check((await page.locator("#textview").getByRole("table", { name: /^y1grid: 1 x 4 numbers/ }).count()) === 1,
            "the text view has no 4-column output table");
    await page.screenshot({ path: shot("convolution-stride-2-from-text-view") });
    c.done();
  });
  if (!lessons.length) throw new Error("no lesson list: the other tests need it");
  if (process.env.AELAB_LESSONS) lessons = lessons.filter((l) => process.env.AELAB_LESSONS.split(",").includes(l));  // while debugging

  // --- 1 and 4. Every lesson: axe (dark, light), phone, tablet and a 640x400 iframe ------------------
  for (const id of lessons) {
    await withPage(browser, `axe-dark-${id}`, {}, async (page) => {
      await page.goto(`${base}?lesson=${id}&theme=dark`);
      const s = await settle(page, 30, READY);
      expect(s.lesson === id, `opened '${s.lesson}'`);
      const v = await axeViolations(page, `${id}, dark`);
      expect(v.length === 0, v.join("\n    "));
    });

    await withPage(browser, `phone-${id}`, { context: PHONE }, async (page) => {
      const c = checks();
      await page.goto(`${base}?lesson=${id}`);
      await settle(page, 30, READY);
      await page.screenshot({ path: shot(`phone-${id}`) });
      const [sw, iw] = await noSidewaysScroll(page);
      c.check(sw <= iw + 1, `the page scrolls sideways: scrollWidth ${sw} > innerWidth ${iw}`);
      const y0 = Number(await page.evaluate(() => Module.aelabState.scroll_y));
      // The finger starts on the lesson's opening paragraph (every lesson has one there at 390 px),
      // not on a control or a scroll bar, and moves up 130 px.
      await touchDrag(page, 200, 170, -130);
      const after = await moreFrames(page, 6);
      c.check(Number(after.scroll_y) >= y0 + 60, `a 130 px touch drag up moved scroll_y ${y0} -> ${after.scroll_y}`);
      await page.screenshot({ path: shot(`phone-${id}-after-touch-drag`) });
      c.done();
    });

    await withPage(browser, `tablet-light-${id}`, { context: TABLET }, async (page) => {
      const c = checks();
      await page.goto(`${base}?lesson=${id}&theme=light`);
      await settle(page, 30, READY);
      for (const v of await axeViolations(page, `${id}, light, 820x1180`)) c.check(false, v);
      await moreFrames(page, 5);
      await page.screenshot({ path: shot(`tablet-${id}`) });
      const [sw, iw] = await noSidewaysScroll(page);
      c.check(sw <= iw + 1, `the page scrolls sideways: scrollWidth ${sw} > innerWidth ${iw}`);
      c.done();
    });

    await withPage(browser, `iframe-640x400-${id}`, {
      context: { viewport: { width: 680, height: 440 } },
      route: (page) => page.route(`${base}a11y-frame.html`, (r) => r.fulfill({ contentType: "text/html", body:
        `<!doctype html><html lang="en"><title>A course page</title><body style="margin:0">
         <iframe title="aelab lesson" src="index.html?lesson=${id}&embed=1" width="640" height="400" style="border:0"></iframe>
         <script>window.messages = []; addEventListener("message", (e) => {
           if (e.data && e.data.source === "aelab") messages.push(e.data); });</script></body></html>` })),
    }, async (page) => {
      await page.goto(`${base}a11y-frame.html`);
      await page.waitForFunction(() => messages.some((m) => m.type === "ready"), null, { timeout: 90000, polling: 100 });
      const ready = await page.evaluate(() => messages.find((m) => m.type === "ready"));
      expect(ready.lesson === id, `the frame says it is ready with '${ready.lesson}'`);
      const frame = page.frame({ url: /embed=1/ });
      const s = await settle(frame, 30, READY);
      expect(s.lesson === id && s.embed && !s.sidebar, `the frame shows '${s.lesson}', embed=${s.embed}, sidebar=${s.sidebar}`);
      const size = await frame.evaluate(() => [innerWidth, innerHeight, Module.canvas.width, devicePixelRatio]);
      expect(size[0] === 640 && size[1] === 400 && size[2] === 640 * size[3], `frame ${size[0]}x${size[1]}, canvas ${size[2]}`);
      const [sw, iw] = await noSidewaysScroll(frame);
      expect(sw <= iw + 1, `the frame scrolls sideways: scrollWidth ${sw} > innerWidth ${iw}`);
      await moreFrames(frame, 5);
      await page.locator("iframe").screenshot({ path: shot(`iframe-640x400-${id}`) });
    });
  }

  // --- 3a. Keyboard only, an op lesson -----------------------------------------------------------------
  await withPage(browser, "keyboard-only-convolution", {}, async (page) => {
    const c = checks();
    await page.goto(`${base}?lesson=convolution`);
    await settle(page, 30, READY);
    const presses = await tabUntil(page, focusIsCanvas, undefined, { max: 5 });
    c.check(presses === 2, `the canvas took ${presses} Tab presses (the skip link comes first)`);
    const step = () => paragraph(page, "step ");
    const sum = () => paragraph(page, "y[");
    c.check((await step()).startsWith("step 1 / 8"), `first: '${await step()}'`);
    for (const key of ["ArrowRight", "ArrowRight"]) await page.keyboard.press(key);
    await page.waitForFunction(() => (aelabUI.document().nodes.find((n) => n.l.startsWith("step ")) || {}).l.startsWith("step 3 / 8"),
                               null, { timeout: 10000 }).catch(() => {});
    c.check((await step()).startsWith("step 3 / 8"), `two right arrows: '${await step()}'`);
    c.check((await sum()) === "y[2] = 3*1 + (-1)*2 + 2*1 = 3", `two right arrows, the sum: '${await sum()}'`);
    await page.keyboard.press("End");
    await page.waitForTimeout(1000);
    c.check((await step()).startsWith("step 8 / 8"), `End: '${await step()}'`);
    await page.keyboard.press("Home");
    await page.waitForTimeout(1000);
    c.check((await step()).startsWith("step 1 / 8"), `Home: '${await step()}'`);

    // "?" shows the keys; the text view should carry them like every other window.
    await page.keyboard.press("?");
    await page.waitForTimeout(1500);
    await page.screenshot({ path: shot("keyboard-only-keys-overlay") });
    const text = await docText(page);
    c.check(text.includes("Tab / Shift+Tab"), "after \"?\" the text view lacks the keys overlay (no \"Tab / Shift+Tab\")");
    // Escape closes the overlay and keeps the focus; a second Escape leaves the canvas.
    await page.keyboard.press("Escape");
    await page.waitForTimeout(800);
    c.check(await page.evaluate(focusIsCanvas), "the Escape that closes the overlay moved the focus off the canvas");
    const closed = await page.evaluate(() => Module.ccall("aelab_can_leave", "number", [], []));
    c.check(closed === 1, "Escape did not close the keys overlay (a popup is still open)");
    await page.screenshot({ path: shot("keyboard-only-overlay-closed") });
    await page.keyboard.press("Escape");
    await page.waitForTimeout(300);
    const active = await page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.tagName));
    c.check(active !== "canvas", `after "?" and two Escapes the focus is still on the canvas (a keyboard trap; popup open: ${closed !== 1})`);
    c.done();
  });

  // --- 3b. Keyboard only, a training lesson (and axe with the text view shown, light) -------------------
  // The skip link leads to the text view; Tab to the 8-3-8 toy's "Start training" (the first of the
  // lesson's four), Enter; then Enter on "Pause training", which takes its place and the focus.
  await withPage(browser, "keyboard-only-training-autoencoder", {}, async (page) => {
    const c = checks();
    await page.goto(`${base}?lesson=autoencoder&theme=light&textview=show`);
    await settle(page, 30, READY);
    for (const v of await axeViolations(page, "autoencoder, light, text view shown")) c.check(false, v);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement.classList.contains("skip")), "the first Tab does not reach the skip link");
    await page.keyboard.press("Enter");
    const n = await tabUntil(page, focusIsButton, "Start training");
    console.log(`     "Start training" is ${n} Tab presses after the skip link`);
    await page.keyboard.press("Enter");
    const step = async () => Number((await page.evaluate(() => Module.aelabState.status)).step);
    await page.waitForFunction(() => Number(Module.aelabState.status.step) >= 20, null, { timeout: 20000, polling: 100 })
      .catch(() => { throw new Error("Enter on \"Start training\" did not start training in 20 s"); });
    const s1 = await step();
    await page.waitForTimeout(400);
    const s2 = await step();
    c.check(s2 > s1, `training started but its step stays at ${s1}`);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
    c.check(focused === "Pause training", `after Enter on "Start training" the focus is on '${focused}', not "Pause training"`);
    if (focused !== "Pause training") await tabUntil(page, focusIsButton, "Pause training");
    await page.keyboard.press("Enter");
    await page.waitForTimeout(600);
    const p1 = await step();
    await page.waitForTimeout(1200);
    const p2 = await step();
    c.check(p1 === p2 && p1 < 1000, `"Pause training" pressed at step ${s2}: the step moved on ${p1} -> ${p2}`);
    c.check(await page.evaluate(() => aelabUI.document().nodes.some((n) => n.l === "Resume training")),
            "after the pause the text view has no \"Resume training\"");
    await page.screenshot({ path: shot("keyboard-only-training-paused") });
    c.done();
  });

  // A text-view control acts even when its item is scrolled out of the canvas's view: PCA's
  // "Start training" is below the fold at 1280x800.
  await withPage(browser, "text-view-control-off-canvas-view", {}, async (page) => {
    await page.goto(`${base}?lesson=pca-linear-ae`);
    await settle(page, 30, READY);
    const button = page.locator("#textview").getByRole("button", { name: "Start training" });
    await button.focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => Number(Module.aelabState.status.step) >= 20, null, { timeout: 10000, polling: 200 })
      .catch(() => { throw new Error("Enter on the text view's \"Start training\" (its canvas button is scrolled out of view) " +
                                     "did not start training in 10 s"); });
  });

  // --- 5. A course page on another origin (localhost) around the lesson (127.0.0.1) ------------------
  await withPage(browser, "course-page-other-origin", {
    context: { viewport: { width: 1280, height: 1000 } },
  }, async (page) => {
    const c = checks();
    expect(courseHtml.includes(`src="${base}index.html?`), "embed-example.html has no index.html iframe to point elsewhere");
    expect(courseHtml.includes(`frame-src 'self' ${new URL(base).origin}`), "embed-example.html has no frame-src 'self' to widen");
    await page.goto(`${courseBase}embed-example.html`);
    await page.waitForFunction(() => !document.getElementById("next").disabled, null, { timeout: 90000, polling: 100 });
    const frame = page.frame({ url: (u) => u.href.startsWith(base) });
    expect(frame && new URL(frame.url()).origin !== new URL(page.url()).origin, "the lesson is not on another origin");
    const stepText = () => page.locator("#step").textContent();
    await page.waitForFunction(() => /^step \d+ \/ \d+/.test(document.getElementById("step").textContent), null, { timeout: 30000 });
    const first = await stepText();
    c.check(first.startsWith("step 1 / 8"), `the course page shows '${first}'`);
    await page.getByRole("button", { name: "Next window" }).click();
    await page.waitForFunction((f) => document.getElementById("step").textContent !== f, first, { timeout: 10000 }).catch(() => {});
    c.check((await stepText()).startsWith("step 2 / 8"), `"Next window": '${first}' -> '${await stepText()}'`);
    const feedback = page.locator("#feedback");
    await page.getByRole("button", { name: "Check my answer" }).click();
    c.check((await feedback.textContent()).startsWith("Not yet: stride 1 gives 8 outputs"), `stride 1: '${await feedback.textContent()}'`);

    // The page sets the stride by postMessage, to the lesson's origin only.
    await page.evaluate((o) => document.getElementById("lesson").contentWindow.postMessage({ type: "set", params: { s1: 2 } }, o),
                        new URL(base).origin);
    await page.waitForFunction(() => state && state.params.s1 === "2", null, { timeout: 15000 });
    await page.getByRole("button", { name: "Check my answer" }).click();
    c.check((await feedback.textContent()).startsWith("Right: stride 2 gives 4 outputs"), `stride 2: '${await feedback.textContent()}'`);
    // The state message follows the URL; the text view follows the next drawn frame.
    const loutNow = () => (aelabUI.document().nodes.find((n) => n.l.startsWith("L_out")) || {}).l || "";
    await frame.waitForFunction(() => ((aelabUI.document().nodes.find((n) => n.l.startsWith("L_out")) || {}).l || "").endsWith("= 4"),
                                null, { timeout: 5000, polling: 100 }).catch(() => {});
    const lout = await frame.evaluate(loutNow);
    c.check(lout && lout.endsWith("= 4"), `the lesson's own L_out: '${lout}'`);
    await page.screenshot({ path: shot("course-page-other-origin"), fullPage: true });

    // Messages from a window that is not the lesson's parent are ignored: the lesson's own window,
    // and a sibling frame of the course page.
    const step0 = await stepText();
    await frame.evaluate(() => window.postMessage({ type: "set", params: { s1: 3 }, step: "next" }, "*"));
    await page.evaluate(() => {
      const f = document.createElement("iframe");
      f.title = "another frame";
      f.src = "sibling.html";
      document.body.appendChild(f);
    });
    await page.waitForFunction(() => { const f = document.querySelector('iframe[title="another frame"]');
                                       return f && f.contentWindow && f.contentWindow.posted; }, null, { timeout: 10000 });
    await page.waitForTimeout(2000);
    const search = await frame.evaluate(() => location.search);
    c.check(new URLSearchParams(search).get("s1") === "2", `a message from another window set the stride: ${search}`);
    c.check((await stepText()) === step0, `a message from another window stepped the lesson: '${step0}' -> '${await stepText()}'`);
    c.check(await page.evaluate(() => state.params.s1 === "2"), "the lesson reports a stride other than 2");
    c.done();
  });
} finally {
  await browser.close();
  server.close();
  courseServer.close();
  fs.rmSync(courseDir, { recursive: true, force: true });
}
const failures = results.failures;
console.log(`${results.passed} passed, ${failures} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(failures ? `${failures} accessibility test(s) failed` : `all accessibility tests passed; screenshots in ${shots}`);
process.exit(failures ? 1 : 0);
