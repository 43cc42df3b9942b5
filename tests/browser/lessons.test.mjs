// Browser tests of the web build: headless Debian Chromium (SwiftShader WebGL2) driven by
// playwright-core. Serves the site on 127.0.0.1, opens the host and every built lesson by
// ?lesson= (also with &embed=1), checks what the page reports (Module.aelabState), fails on
// any console error, and saves screenshots.
//   node tests/browser/lessons.test.mjs [SITE_DIR=build/web] [SCREENSHOT_DIR=build/screenshots/browser]
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { expect, expr, launch, moreFrames, results, screenshotDir, serve, settle, site, withPage } from "./common.mjs";

const shots = screenshotDir("build/screenshots/browser");

// A PNG of w x h RGB pixels (px(row, col) -> [r, g, b]), zlib-compressed, for the upload test.
function makePng(w, h, px) {
  const raw = Buffer.alloc(h * (1 + 3 * w));
  for (let r = 0; r < h; r++)
    for (let c = 0; c < w; c++) raw.set(px(r, c), r * (1 + 3 * w) + 1 + 3 * c);
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    for (let k = 0; k < 8; k++) n = n & 1 ? 0xedb88320 ^ (n >>> 1) : n >>> 1;
    return n >>> 0;
  });
  const crc = (b) => { let c = 0xffffffff; for (const v of b) c = crcTable[(c ^ v) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    td.copy(out, 4);
    out.writeUInt32BE(crc(td), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0), ihdr.writeUInt32BE(h, 4), ihdr[8] = 8, ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr),
                        chunk("IDAT", zlib.deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

// Lessons with a step controller whose state is the URL's `step`, and lessons that train.
// The URL key of each stepped lesson's first step controller (the one the arrow keys drive).
const STEPPED = { convolution: "st1", pooling: "step", "transposed-conv": "step" };
const TRAINED = ["pca-linear-ae", "autoencoder", "conv-autoencoder", "rbm", "denoising", "regularized-ae", "ae-applications",
                 "vae", "gan"];


// A PNG (8-bit RGB or RGBA, not interlaced, as stb_image_write writes them) as RGBA pixels:
// the IDAT stream inflated and each row unfiltered (PNG spec, section 9).
function decodePng(buf) {
  expect(buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), "not a PNG signature");
  let pos = 8, width = 0, height = 0, type = 0;
  const idat = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos), kind = buf.toString("latin1", pos + 4, pos + 8), data = buf.subarray(pos + 8, pos + 8 + len);
    if (kind === "IHDR") {
      width = data.readUInt32BE(0), height = data.readUInt32BE(4), type = data[9];
      expect(data[8] === 8 && (type === 2 || type === 6) && data[12] === 0, `PNG IHDR ${[...data]}`);
    } else if (kind === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const bpp = type === 6 ? 4 : 3, stride = width * bpp, raw = zlib.inflateSync(Buffer.concat(idat));
  const out = Buffer.alloc(width * height * 4), cur = Buffer.alloc(stride), prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)], row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? cur[i - bpp] : 0, b = prev[i], c = i >= bpp ? prev[i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      cur[i] = (row[i] + pred) & 0xff;
    }
    for (let x = 0; x < width; x++)
      for (let k = 0; k < 4; k++) out[(y * width + x) * 4 + k] = k < bpp ? cur[x * bpp + k] : 255;
    cur.copy(prev);
  }
  return { width, height, rgba: out };
}

// Where View sits in the menu bar, and its "Save view as PNG" item: the fourth in a window under
// 800 px (the text view shown beside a 1280 px page leaves 768 px: no "Lesson sidebar" item).
const VIEW_MENU = { x: 95, y: 10, saveY: 92 };
const { server, url: base } = await serve(site, 0);
const browser = await launch();
let lessons = [];
try {
  await withPage(browser, "home", {}, async (page) => {
    await page.goto(base);
    const s = await settle(page);
    expect(s.lesson === "", `home shows lesson '${s.lesson}'`);
    expect(s.sidebar && !s.embed, "home has the sidebar");
    lessons = s.lessons;
    expect(lessons.includes("tensors"), `registered lessons: ${lessons}`);
    await page.screenshot({ path: path.join(shots, "home.png") });
  });

  for (const id of lessons) {
    for (const embed of [false, true]) {
      const name = `lesson-${id}${embed ? "-embed" : ""}`;
      await withPage(browser, name, {}, async (page) => {
        await page.goto(`${base}?lesson=${id}${embed ? "&embed=1" : ""}`);
        const s = await settle(page, 30, `Module.aelabState.data !== "loading"`);
        expect(s.lesson === id, `opened '${s.lesson}', wanted '${id}'`);
        expect(s.embed === embed && s.sidebar === !embed, `embed=${s.embed} sidebar=${s.sidebar}`);
        expect(s.data !== "failed", "the dataset failed to load");
        await moreFrames(page, 10);
        await page.screenshot({ path: path.join(shots, `${name}.png`) });
      });
    }
  }

  // Stepped lessons keep their state in the URL (step=...) and step by keyboard.
  for (const id of lessons.filter((l) => l in STEPPED)) {
    const key = STEPPED[id];
    await withPage(browser, `${id}-url-state-and-keys`, {}, async (page) => {
      await page.goto(`${base}?lesson=${id}&${key}=1`);
      await settle(page, 30, `Module.aelabState.data !== "loading"`);
      await moreFrames(page, 5);
      const stepOf = () => Number(new URL(page.url()).searchParams.get(key));
      expect(stepOf() === 1, `the link's ${key}=1 became ${page.url()}`);
      await page.mouse.click(640, 36);  // the lesson title: focuses the lesson, clicks nothing
      const press = async (key) => { await page.keyboard.press(key); await moreFrames(page, 3); };
      await press("ArrowRight");
      expect(stepOf() === 2, `a right arrow from step 1 gave ${page.url()}`);
      await press("ArrowLeft");
      await press("ArrowLeft");
      expect(stepOf() === 0, `two left arrows from step 2 gave ${page.url()}`);
      await press("End");
      const last = stepOf();
      expect(last >= 2, `End gave step ${last}`);
      await press("ArrowRight");
      expect(stepOf() === last, `a right arrow at the end moved to ${stepOf()}`);
      await page.screenshot({ path: path.join(shots, `${id}-last-step.png`) });
      await press("Home");
      expect(stepOf() === 0, `Home gave ${page.url()}`);
      // Reloading the link reopens the same view.
      await page.goto(`${base}?lesson=${id}&${key}=${last}`);
      await settle(page, 20);
      await moreFrames(page, 3);
      expect(stepOf() === last, `reload at step ${last} gave ${page.url()}`);
    });
  }

  // Training lessons: train=1 starts training; the loss must fall within a few seconds.
  for (const id of lessons.filter((l) => TRAINED.includes(l))) {
    await withPage(browser, `${id}-trains`, {}, async (page) => {
      await page.goto(`${base}?lesson=${id}&train=1`);
      await settle(page, 10, `Module.aelabState.data !== "loading"`);
      const t0 = Date.now();
      await page.waitForFunction(
        expr(`(() => { const s = Module.aelabState.status; return s && Number(s.step) >= 30 &&
                  Number(s.loss) < Number(s.first_loss); })()`), null, { timeout: 120000, polling: 250 });
      const s = await page.evaluate(() => Module.aelabState);
      console.log(`     ${id}: step ${s.status.step}, loss ${s.status.first_loss} -> ${s.status.loss} ` +
                  `after ${((Date.now() - t0) / 1000).toFixed(1)} s, ${JSON.stringify(s.status)}`);
      await page.screenshot({ path: path.join(shots, `${id}-training.png`) });
    });
  }

  // The autoencoder lesson: the 8-3-8 toy trains to the end with train=1 and gets all eight inputs
  // right (the table the slide shows); its settings survive a reload of the link.
  await withPage(browser, "autoencoder-toy-learns-the-code", {}, async (page) => {
    await page.goto(`${base}?lesson=autoencoder&train=1&open=1`);
    await settle(page, 10);
    await page.waitForFunction(
      expr(`(() => { const s = Module.aelabState.status; return s && Number(s.step) >= 1000; })()`), null,
      { timeout: 120000, polling: 250 });
    const s = (await page.evaluate(() => Module.aelabState)).status;
    expect(Number(s.loss) < 0.1 * Number(s.first_loss), `loss ${s.first_loss} -> ${s.loss}`);
    expect(s.toy_all_correct === "1", `after ${s.step} steps not all eight inputs come back: ${JSON.stringify(s)}`);
    await page.screenshot({ path: path.join(shots, "autoencoder-toy-trained.png") });
  });
  await withPage(browser, "autoencoder-url-state", {}, async (page) => {
    const keys = { loss: "squared-error", seed: "7", steps: "400", code: "64", img: "5", dcode: "32", bsteps: "500",
                   sseed: "3", open: "3" };
    const check = (when) => {
      const p = new URL(page.url()).searchParams;
      const lost = Object.entries(keys).filter(([k, v]) => p.get(k) !== v);
      expect(lost.length === 0, `${when}: ${lost.map(([k, v]) => `${k}=${v}`).join(", ")} lost from ${page.url()}`);
      expect(p.get("lesson") === "autoencoder", `${when}: ${page.url()}`);
    };
    await page.goto(`${base}?lesson=autoencoder&${new URLSearchParams(keys)}`);
    await settle(page, 20, `Module.aelabState.data !== "loading"`);
    await moreFrames(page, 5);
    check("opened");
    expect(page.url().includes("blr=") && page.url().includes("dsteps="), `defaults missing from ${page.url()}`);
    await page.reload();
    await settle(page, 20, `Module.aelabState.data !== "loading"`);
    await moreFrames(page, 5);
    check("reloaded");
    expect((await page.evaluate(() => Module.aelabState.lesson)) === "autoencoder", "the reload left the lesson");
  });

  // The conv autoencoder's architecture lives in the URL: a link with a spec opens it (and the
  // network trains), a spec that cannot work is named in the page, not a crash or an abort.
  await withPage(browser, "conv-autoencoder-architecture-in-url", {}, async (page) => {
    const spec = "conv8s2p1-relu-code-tconv1s2p1o1-sigmoid";
    await page.goto(`${base}?lesson=conv-autoencoder&arch=${spec}&arch2=none&train=1&open=3`);
    await settle(page, 10, `Module.aelabState.data !== "loading"`);
    await page.waitForFunction(
      expr(`(() => { const s = Module.aelabState.status; return s && s.arch_ok === "1" && Number(s.step) >= 20 &&
                Number(s.loss) < Number(s.first_loss); })()`), null, { timeout: 120000, polling: 250 });
    let p = new URL(page.url()).searchParams;
    expect(p.get("arch") === spec && p.get("arch2") === "none", `the link became ${page.url()}`);
    await page.screenshot({ path: path.join(shots, "conv-autoencoder-own-architecture.png") });

    await page.goto(`${base}?lesson=conv-autoencoder&arch=conv16s2p1-relu-lin16-sigmoid&open=1`);
    await settle(page, 10, `Module.aelabState.data !== "loading"`);
    await page.waitForFunction(expr(`Module.aelabState.status && Module.aelabState.status.arch_ok === "0"`),
                               null, { timeout: 60000, polling: 250 });
    await moreFrames(page, 10);
    p = new URL(page.url()).searchParams;
    expect(p.get("arch") === "conv16s2p1-relu-lin16-sigmoid", `the bad spec was not kept: ${page.url()}`);
    await page.screenshot({ path: path.join(shots, "conv-autoencoder-bad-architecture.png") });
  });

  // What autoencoders are for, embedded as a course page would: every section's run trains at once
  // (short runs), the page measures what the CLI measures (pixel precision@10 is exact: no
  // training involved), and the 2-D, anomaly and compression figures appear.
  await withPage(browser, "ae-applications-embedded-figures", {}, async (page) => {
    await page.goto(`${base}?lesson=ae-applications&embed=1&train=1&open=31&steps=300&vsteps=300&asteps=300&isteps=300`);
    await settle(page, 10, `Module.aelabState.data !== "loading"`);
    const t0 = Date.now();
    await page.waitForFunction(
      expr(`(() => { const s = Module.aelabState.status; return s && s.precision_at_10_pixels && s.auc && s.knn_2d_ae &&
                s.psnr_ae_128_bits && Number(s.anomaly_step) >= 300 && Number(s.step) >= 300; })()`), null,
      { timeout: 240000, polling: 500 });
    const s = (await page.evaluate(() => Module.aelabState)).status;
    console.log(`     ae-applications after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(s)}`);
    expect(s.precision_at_10_pixels === "0.7481", `pixel precision@10 ${s.precision_at_10_pixels}, the CLI gives 0.7481`);
    for (const k of ["precision_at_10_codes", "precision_at_10_bits", "knn_2d_ae", "knn_2d_pca", "auc"])
      expect(Number(s[k]) > 0.3 && Number(s[k]) <= 1, `${k} = ${s[k]}`);
    expect(Number(s.auc) > 0.6, `anomaly AUC ${s.auc} after 300 steps (the CLI reaches 0.84 for trousers)`);
    for (const k of ["loss", "visual_loss", "anomaly_loss", "inpaint_loss"]) expect(Number.isFinite(Number(s[k])), `${k} = ${s[k]}`);
    expect(Number(s.loss) < Number(s.first_loss), `retrieval loss ${s.first_loss} -> ${s.loss}`);
    await page.screenshot({ path: path.join(shots, "ae-applications-embedded-trained.png"), fullPage: true });
  });

  // Sparse and contractive autoencoders and the manifold picture, embedded: the sparse code gets
  // sparser, the contractive encoder's Jacobian ends smaller than the plain one's, and on the circle
  // the denoiser's field points back to the curve while the plain overcomplete one nearly vanishes
  // (the thresholds of the native tests).
  await withPage(browser, "regularized-ae-embedded-trains", {}, async (page) => {
    await page.goto(`${base}?lesson=regularized-ae&embed=1&train=1&steps=200&csteps=200&open=7`);
    await settle(page, 10, `Module.aelabState.data !== "loading"`);
    const t0 = Date.now();
    await page.waitForFunction(
      expr(`(() => { const s = Module.aelabState.status; return s && Number(s.step) >= 200 && Number(s.c_step) >= 200 &&
                Number(s.mstep) >= 3000; })()`), null, { timeout: 180000, polling: 500 });
    await moreFrames(page, 5);
    const s = (await page.evaluate(() => Module.aelabState)).status;
    console.log(`     regularized-ae after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(s)}`);
    expect(Number(s.loss) < Number(s.first_loss), `sparse loss ${s.first_loss} -> ${s.loss}`);
    expect(Number(s.fraction_active) > 0 && Number(s.fraction_active) < 0.4, `fraction active ${s.fraction_active}`);
    expect(Number(s.c_loss) < Number(s.c_first_loss), `contractive loss ${s.c_first_loss} -> ${s.c_loss}`);
    expect(Number(s.jacobian_fro_contractive) < 0.6 * Number(s.jacobian_fro_plain),
           `||J||_F contractive ${s.jacobian_fro_contractive} vs plain ${s.jacobian_fro_plain}`);
    expect(Number(s.mloss) < 0.5 * Number(s.mfirst_loss), `manifold loss ${s.mfirst_loss} -> ${s.mloss}`);
    expect(Number(s.field_cosine_denoising) > 0.85, `denoising field cosine ${s.field_cosine_denoising}`);
    expect(Number(s.field_cosine_contractive) > 0.9, `contractive field cosine ${s.field_cosine_contractive}`);
    expect(Number(s.arrow_length_plain) < 0.35 * Number(s.arrow_length_denoising),
           `arrow length plain ${s.arrow_length_plain} vs denoising ${s.arrow_length_denoising}`);
    await page.screenshot({ path: path.join(shots, "regularized-ae-embedded-trained.png") });
    await page.goto(`${base}?lesson=regularized-ae&embed=1&open=4&mshape=two-moons&mview=denoising`);
    await settle(page, 10);
    await page.waitForFunction(expr(`Number(Module.aelabState.status.mstep) >= 3000`), null, { timeout: 120000, polling: 500 });
    await moreFrames(page, 3);
    expect(new URL(page.url()).searchParams.get("mshape") === "two-moons", `the preset was lost: ${page.url()}`);
    await page.screenshot({ path: path.join(shots, "regularized-ae-two-moons-field.png") });
  });

  // GANs on the plane, embedded: on the ring the balanced game spreads over most modes; the mode
  // collapse preset (20 generator updates per discriminator update) puts the fakes on at most one.
  await withPage(browser, "gan-embedded-trains", {}, async (page) => {
    await page.goto(`${base}?lesson=gan&embed=1&train=1&steps=1500`);
    await settle(page, 10);
    const t0 = Date.now();
    await page.waitForFunction(expr(`Number(Module.aelabState.status.step) >= 1500`), null, { timeout: 180000, polling: 500 });
    await moreFrames(page, 3);
    let s = (await page.evaluate(() => Module.aelabState)).status;
    console.log(`     gan after ${((Date.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(s)}`);
    expect(Number(s.modes_covered) >= 5, `modes covered ${s.modes_covered} of 8 after 1500 steps`);
    expect(Number(s.high_quality) > 0.3, `high-quality fraction ${s.high_quality}`);
    expect(Number(s.d_loss) < Number(s.first_loss) && Number(s.d_loss) > 0.3, `D's loss ${s.first_loss} -> ${s.d_loss}`);
    expect(Number.isFinite(Number(s.g_loss)), `G's loss ${s.g_loss}`);
    await page.screenshot({ path: path.join(shots, "gan-embedded-ring.png") });
    await page.goto(`${base}?lesson=gan&embed=1&train=1&kg=20&steps=300`);
    await settle(page, 10);
    await page.waitForFunction(expr(`Number(Module.aelabState.status.step) >= 300`), null, { timeout: 120000, polling: 500 });
    await moreFrames(page, 3);
    s = (await page.evaluate(() => Module.aelabState)).status;
    expect(Number(s.modes_covered) <= 1, `mode collapse preset covers ${s.modes_covered} modes`);
    await page.screenshot({ path: path.join(shots, "gan-mode-collapse.png") });
  });

  // The template lesson keeps everything the student set in the URL: a link reopens that view.
  await withPage(browser, "tensors-url-state", {}, async (page) => {
    await page.goto(`${base}?lesson=tensors&img=12&levels=0&pattern=4&n=3&open=5`);
    await settle(page, 30, `Module.aelabState.data !== "loading"`);
    await moreFrames(page, 5);
    const p = new URL(page.url()).searchParams;
    expect(p.get("img") === "12" && p.get("levels") === "0" && p.get("pattern") === "4" && p.get("n") === "3" &&
           p.get("open") === "5", `the link became ${page.url()}`);
    expect(p.get("row") === "14" && p.get("w") === "7", `defaults missing from ${page.url()}`);
  });

  // The RBM lesson (issue 17), plain and embedded: train=1 trains a small RBM for a few seconds
  // (reconstruction error falling, the exact log-likelihood summed and reported), then the Gibbs
  // chain of section 4 is stepped and run from the text view's buttons; screenshots of both.
  for (const embed of [false, true]) {
    const name = `rbm${embed ? "-embedded" : ""}-trains-and-samples`;
    await withPage(browser, name, {}, async (page) => {
      await page.goto(`${base}?lesson=rbm${embed ? "&embed=1" : ""}&train=1&steps=400&hid=12&textview=show`);
      await settle(page, 10, `Module.aelabState.data === "ready" && window.aelabUI && aelabUI.document() !== null`);
      const t0 = Date.now();
      await page.waitForFunction(
        expr(`(() => { const s = Module.aelabState.status; return s && Number(s.step) >= 400 &&
                  Number(s.log_likelihood_step) >= 400; })()`), null, { timeout: 120000, polling: 250 });
      await moreFrames(page, 3);
      let s = (await page.evaluate(() => Module.aelabState)).status;
      console.log(`     ${name}: trained in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${JSON.stringify(s)}`);
      expect(Number(s.loss) < Number(s.first_loss), `reconstruction error ${s.first_loss} -> ${s.loss}`);
      expect(Number(s.log_likelihood) < 0 && Number(s.log_likelihood) > -784 * Math.log(2),
             `log-likelihood ${s.log_likelihood}`);
      expect(s.gibbs_steps === "0", `gibbs steps before any press: ${s.gibbs_steps}`);
      await page.screenshot({ path: path.join(shots, `${name}-trained.png`) });
      await page.getByRole("button", { name: "Step the chain" }).click();
      await moreFrames(page, 3);
      await page.getByRole("button", { name: "Step the chain" }).click();
      await moreFrames(page, 3);
      s = (await page.evaluate(() => Module.aelabState)).status;
      expect(s.gibbs_steps === "2", `two presses of Step gave ${s.gibbs_steps} Gibbs steps`);
      await page.getByRole("button", { name: "Run the chain" }).click();
      await moreFrames(page, 20);
      s = (await page.evaluate(() => Module.aelabState)).status;
      expect(Number(s.gibbs_steps) > 10, `running the chain gave ${s.gibbs_steps} Gibbs steps`);
      await page.getByRole("button", { name: "Pause the chain" }).click();
      await moreFrames(page, 3);
      await page.screenshot({ path: path.join(shots, `${name}-gibbs.png`), fullPage: true });
    });
  }

  // Figures and the clipboard (issue 15), one page: the "pattern" heat map saved as PNG from the
  // text view's button is the heat map's exact colours (each value a 16 x 16 block, 0 black, 1
  // white, as the grid beside it lists them); View > Save view as PNG has the canvas's size; the
  // "Copy" of an "In PyTorch" panel reaches the system clipboard.
  await withPage(browser, "figures-png-and-clipboard", {
    context: { acceptDownloads: true, permissions: ["clipboard-read", "clipboard-write"] },
  }, async (page) => {
    await page.goto(`${base}?lesson=tensors&textview=show`);
    await settle(page, 30, `Module.aelabState.data === "ready" && window.aelabUI && aelabUI.document() !== null`);
    const rows = await page.evaluate(() => {
      const t = aelabUI.document().nodes.find((n) => n.r === "table" && n.l.startsWith("pattern-grid"));
      return t ? t.t : null;
    });
    expect(Array.isArray(rows) && rows.length === 10 && rows.every((r) => r.length === 10),
           `the text view's pattern-grid table: ${JSON.stringify(rows)}`);
    let download = page.waitForEvent("download", { timeout: 20000 });
    await page.getByRole("button", { name: "Save pattern as PNG" }).click();
    download = await download;
    expect(download.suggestedFilename() === "tensors-pattern.png", `file name ${download.suggestedFilename()}`);
    const png = decodePng(fs.readFileSync(await download.path()));
    expect(png.width === 160 && png.height === 160, `pattern PNG is ${png.width} x ${png.height}, wanted 160 x 160`);
    let wrong = 0;
    for (let y = 0; y < 160; y++)
      for (let x = 0; x < 160; x++) {
        const want = Number(rows[y >> 4][x >> 4]) ? 255 : 0, i = (y * 160 + x) * 4;
        if (png.rgba[i] !== want || png.rgba[i + 1] !== want || png.rgba[i + 2] !== want || png.rgba[i + 3] !== 255) wrong++;
      }
    expect(wrong === 0, `${wrong} pixels of the saved pattern differ from the heat map's colours`);

    // The whole view: View (menu bar) > Save view as PNG, a press and a release a few frames apart.
    const clickAt = async (x, y) => {
      await page.mouse.move(x, y);
      await moreFrames(page, 2);
      await page.mouse.down();
      await moreFrames(page, 2);
      await page.mouse.up();
      await moreFrames(page, 2);
    };
    await clickAt(VIEW_MENU.x, VIEW_MENU.y);
    download = page.waitForEvent("download", { timeout: 20000 });
    await clickAt(VIEW_MENU.x + 40, VIEW_MENU.saveY);
    download = await download;
    const view = decodePng(fs.readFileSync(await download.path()));
    const canvas = await page.evaluate(() => [Module.canvas.width, Module.canvas.height]);
    expect(download.suggestedFilename() === "tensors-view.png", `view file name ${download.suggestedFilename()}`);
    expect(view.width === canvas[0] && view.height === canvas[1], `view PNG ${view.width} x ${view.height}, canvas ${canvas}`);

    // Copy: open the first "In PyTorch" panel, press its Copy, read the system clipboard.
    await page.getByRole("button", { name: "In PyTorch" }).first().click();
    await moreFrames(page, 3);
    await page.getByRole("button", { name: "Copy", exact: true }).first().click();
    await page.waitForFunction(expr(`Module.aelabCopy && Module.aelabCopy.state === 2`), null, { timeout: 10000 });
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied.includes("torch") && copied.split("\n").length >= 2, `clipboard holds: ${copied.slice(0, 200)}`);
    const shown = await page.evaluate(() => aelabUI.document().nodes.map((n) => n.l).join("\n"));
    const lines = copied.split("\n").map((l) => l.trim()).filter((l) => l);
    const missing = lines.filter((l) => !shown.includes(l));
    expect(missing.length === 0, `copied lines not in the panel: ${missing.slice(0, 3).join(" | ")}`);
    await moreFrames(page, 3);
    expect((await page.evaluate(() => aelabUI.document().nodes.map((n) => n.l).join("\n"))).includes("Copied"),
           "the panel does not say Copied");
  });

  await withPage(browser, "unknown-lesson", {}, async (page) => {
    await page.goto(`${base}?lesson=no-such-lesson`);
    const s = await settle(page);
    expect(s.lesson === "", "an unknown lesson opened something");
    expect(s.message.includes("no-such-lesson"), `message: '${s.message}'`);
    await page.screenshot({ path: path.join(shots, "unknown-lesson.png") });
  });

  await withPage(browser, "sidebar-click-updates-url", {}, async (page) => {
    await page.goto(base);
    await settle(page);
    // The first sidebar entry (Tensors & images) sits under the "Lessons" heading.
    await page.mouse.click(70, 67);
    const s = await moreFrames(page, 10);
    expect(s.lesson === "tensors", `clicked, lesson is '${s.lesson}'`);
    expect(page.url().includes("lesson=tensors"), `URL did not follow: ${page.url()}`);
  });

  await withPage(browser, "canvas-follows-resize", {}, async (page) => {
    await page.goto(`${base}?lesson=tensors`);
    await settle(page);
    await page.setViewportSize({ width: 900, height: 640 });
    await moreFrames(page, 10);
    const size = await page.evaluate(() => [Module.canvas.width, Module.canvas.height, devicePixelRatio]);
    expect(size[0] === 900 * size[2] && size[1] === 640 * size[2], `canvas ${size[0]}x${size[1]} at dpr ${size[2]}`);
  });

  await withPage(browser, "high-dpi", { context: { deviceScaleFactor: 2 } }, async (page) => {
    await page.goto(`${base}?lesson=tensors`);
    await settle(page, 30, `Module.aelabState.data !== "loading"`);
    const size = await page.evaluate(() => [Module.canvas.width, innerWidth]);
    expect(size[0] === 2 * size[1], `canvas is ${size[0]} px for ${size[1]} CSS px at dpr 2`);
    await page.screenshot({ path: path.join(shots, "lesson-tensors-dpr2.png") });
  });

  await withPage(browser, "missing-dataset", {
    allowErrors: [/Failed to load resource.*404/],
    route: (page) => page.route("**/data/fashion-mnist.aelab", (r) => r.fulfill({ status: 404, body: "gone" })),
  }, async (page) => {
    await page.goto(`${base}?lesson=tensors`);
    const s = await settle(page, 30, `Module.aelabState.data === "failed"`);
    const after = await moreFrames(page, 20);  // still running: an error panel, not a crash
    expect(after.drawn > s.drawn, "the page stopped drawing");
    await page.screenshot({ path: path.join(shots, "missing-dataset.png") });
  });

  await withPage(browser, "corrupt-dataset", {
    route: (page) => page.route("**/data/fashion-mnist.aelab", (r) =>
      r.fulfill({ status: 200, contentType: "application/octet-stream", body: Buffer.from("AELABDS\0garbage-not-a-dataset") })),
  }, async (page) => {
    await page.goto(`${base}?lesson=tensors`);
    await settle(page, 30, `Module.aelabState.data === "failed"`);
    await moreFrames(page, 10);
    await page.screenshot({ path: path.join(shots, "corrupt-dataset.png") });
  });

  await withPage(browser, "embedded-in-course-page", {}, async (page) => {
    await page.goto(`${base}embed-example.html`);
    let frame;
    for (let t = 0; t < 300 && !frame; t++) {
      frame = page.frames().find((f) => f.url().includes("embed=1"));
      if (!frame) await page.waitForTimeout(100);
    }
    expect(frame, "the course page's iframe never loaded the lesson");
    await frame.waitForFunction(
      expr(`typeof Module !== "undefined" && Module.aelabState && Module.aelabState.frames >= 20`), null, { timeout: 90000 });
    const s = await frame.evaluate(() => Module.aelabState);
    expect(s.lesson === "convolution" && s.embed, `iframe shows '${s.lesson}', embed=${s.embed}`);
    await page.screenshot({ path: path.join(shots, "embedded-in-course-page.png") });
  });

  // --- Your own images (kit/image_input.hpp): a PNG through the hidden file input onto the denoising
  // canvas, then a truncated PNG, a header declaring 100000 x 100000 pixels, a text file and a
  // 21 MB file each refused with a message (status, no console error) while the page keeps
  // drawing; the image never enters the link. Then a JPEG (the browser's own encoder) in the
  // convolution filters, and the PNG from before still there (the image is shared by the lessons),
  // and a PNG dropped on the canvas.
  await withPage(browser, "your-own-images", {}, async (page) => {
    const status = () => page.evaluate(() => Module.aelabState.status);
    const after = async (want) => {
      const before = await page.evaluate(() => Module.aelabState.frames);
      await settle(page, before + 2, want);
      return status();
    };
    const upload = async (name, mimeType, buffer, want) => {
      await page.setInputFiles("#aelab-image-input", { name, mimeType, buffer });
      return after(`Module.aelabState.status.upload_name === ${JSON.stringify(name)} && ${want}`);
    };
    await page.goto(`${base}?lesson=denoising&open=8`);  // section 4: draw and denoise
    await settle(page, 20, `Module.aelabState.data === "ready" && !!document.getElementById("aelab-image-input")`);
    const input = await page.evaluate(() => {
      const i = document.getElementById("aelab-image-input");
      return { type: i.type, accept: i.accept };
    });
    expect(input.type === "file" && input.accept === "image/png,image/jpeg", `file input ${JSON.stringify(input)}`);
    const png = makePng(60, 90, (r, c) => (r >= 20 && r <= 70 && c >= 15 && c <= 45 ? [40, 60, 160] : [250, 250, 250]));
    let s = await upload("shirt.png", "image/png", png, `Module.aelabState.status.denoise_input === "your image"`);
    expect(s.upload === "ok" && s.upload_size === "60 x 90" && s.upload_format === "PNG", `PNG status ${JSON.stringify(s)}`);
    expect(!new URL(page.url()).searchParams.get("canvas"), `the image went into the link: ${page.url()}`);
    // Refused, each with a message: the previous image stays in use.
    s = await upload("cut.png", "image/png", png.subarray(0, 60), `Module.aelabState.status.upload === "error"`);
    expect(s.upload_error.startsWith("cut.png: "), `truncated: ${s.upload_error}`);
    const huge = makePng(1, 1, () => [0, 0, 0]);
    huge.writeUInt32BE(100000, 16), huge.writeUInt32BE(100000, 20);
    s = await upload("huge.png", "image/png", huge, `Module.aelabState.status.upload === "error"`);
    expect(s.upload_error === "huge.png: 100000 x 100000 pixels is too large; the limit is 4096 x 4096 (scale the picture down first)",
           `oversized header: ${s.upload_error}`);
    s = await upload("notes.txt", "text/plain", Buffer.from("not an image\n"), `Module.aelabState.status.upload === "error"`);
    expect(s.upload_error.startsWith("notes.txt: not a PNG or JPEG image"), `text file: ${s.upload_error}`);
    // 21 MB, made in the page (sending it through Playwright takes seconds): refused unread.
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(21 << 20)], "big.png", { type: "image/png" }));
      const i = document.getElementById("aelab-image-input");
      i.files = dt.files;
      i.dispatchEvent(new Event("change"));
    });
    s = await after(`Module.aelabState.status.upload_name === "big.png" && Module.aelabState.status.upload === "error"`);
    expect(s.upload_error === "big.png: the file is 21 MiB; the limit is 20 MiB", `21 MB file: ${s.upload_error}`);
    expect(s.denoise_input === "your image" && s.upload_serial === "1", `after the refusals: ${JSON.stringify(s)}`);
    await page.screenshot({ path: path.join(shots, "your-image-refused.png") });
    // The convolution filters: the PNG is there already; a JPEG replaces it.
    await page.evaluate(() => Module.ccall("aelab_open_lesson", "number", ["string"], ["convolution"]));
    await page.evaluate(() => Module.ccall("aelab_set_params", null, ["string"], ["open=8"]));  // section 4
    s = await after(`Module.aelabState.lesson === "convolution" && Module.aelabState.status.filter_input === "your image: grayscale"`);
    expect(s.upload_image === "shirt.png", `convolution opened with ${JSON.stringify(s)}`);
    const jpeg = Buffer.from(await page.evaluate(async () => {
      const c = new OffscreenCanvas(48, 32);
      const g = c.getContext("2d");
      g.fillStyle = "#fff", g.fillRect(0, 0, 48, 32), g.fillStyle = "#222", g.fillRect(14, 4, 20, 24);
      const blob = await c.convertToBlob({ type: "image/jpeg", quality: 0.9 });
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    }));
    s = await upload("photo.jpg", "image/jpeg", jpeg, `Module.aelabState.status.upload === "ok"`);
    expect(s.upload_size === "48 x 32" && s.upload_format === "JPEG" && s.upload_serial === "2" &&
           s.filter_input === "your image: grayscale", `JPEG status ${JSON.stringify(s)}`);
    // Dropped on the canvas (a synthetic drop: the same handler a real drag ends in).
    await page.evaluate((bytes) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], "dropped.png", { type: "image/png" }));
      const canvas = document.getElementById("canvas");
      canvas.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, cancelable: true }));
      canvas.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, cancelable: true }));
    }, Array.from(png));
    s = await after(`Module.aelabState.status.upload_image === "dropped.png"`);
    expect(s.upload === "ok" && s.upload_serial === "3" && s.upload_size === "60 x 90", `dropped: ${JSON.stringify(s)}`);
  });

  // The benchmark page runs aelab-cli's bench in the tab, cross-origin isolated (microsecond
  // clock), and reports JSON with the cases asked for.
  await withPage(browser, "bench-page", {}, async (page) => {
    await page.goto(`${base}bench.html?args=${encodeURIComponent("--only g,f1 --repeats 3 --json")}`);
    await page.waitForFunction(() => window.aelabBench && window.aelabBench.done, null, { timeout: 120000 });
    const r = await page.evaluate(() => ({ ...window.aelabBench, isolated: window.crossOriginIsolated }));
    expect(r.rc === 0, `bench exit status ${r.rc}: ${r.output}`);
    expect(r.isolated, "bench.html is not cross-origin isolated (COOP/COEP headers missing)");
    const json = JSON.parse(r.output.trim().split("\n").pop());
    expect(json.simd === "wasm-simd128" && json.peak_gflops > 0, `bench JSON: ${r.output}`);
    expect(json.cases.map((c) => c.name).join(",") === "f1,g", `cases ${json.cases.map((c) => c.name)}`);
    expect(json.cases.every((c) => c.ms > 0 && c.min_ms > 0 && c.min_ms <= c.ms), `timings: ${r.output}`);
    expect(/^gemm_4x8_simd128(_x2)?$/.test(json.gemm_kernel), `gemm kernel ${json.gemm_kernel}`);
    await page.screenshot({ path: path.join(shots, "bench-page.png") });
  });
} finally {
  await browser.close();
  server.close();
}
const failures = results.failures;
console.log(failures ? `${failures} browser test(s) failed` : `all browser tests passed; screenshots in ${shots}`);
process.exit(failures ? 1 : 0);
