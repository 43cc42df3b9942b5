#!/usr/bin/env node
// Time to the first frame and bytes transferred when a page opens on a cold cache: a benchmark
// (for the README and the notes), not a test. Headless Chromium (as the browser tests launch it)
// opens each page RUNS times, each in a fresh browser context with the cache disabled, from
// tools/serve.mjs on 127.0.0.1, and reports the medians:
//   first frame   ms from navigation start until Module.aelabState shows frame 1 (the page's
//                 report at the end of the first drawn frame; seen by a requestAnimationFrame watch)
//   ready         ms until 30 frames are drawn and the dataset is no longer loading
//   bytes         bytes on the wire (CDP Network.loadingFinished encodedDataLength: headers plus the
//                 body as sent, compressed when the server compressed it) before the first frame,
//                 and in all until ready
// and, from the median run, each file: its size on the wire, when it finished, and whether it
// finished before the first frame (what the first frame can have waited for).
//   node tools/first_frame.mjs [SITE=build/web] [--runs 5] [--url "?lesson=convolution"]...
//                              [--throttle MBIT] [--json FILE]
// --url may repeat (default: the index page and ?lesson=convolution); --throttle emulates a link of
// MBIT megabit/s (and 20 ms latency) instead of the unthrottled localhost.
import fs from "node:fs";
import path from "node:path";
import { launch, serve } from "../tests/browser/common.mjs";

const args = process.argv.slice(2);
let site = "build/web", runs = 5, throttle = 0, jsonOut = "";
const urls = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "--runs") runs = Number(args[++i]);
  else if (a === "--url") urls.push(args[++i]);
  else if (a === "--throttle") throttle = Number(args[++i]);
  else if (a === "--json") jsonOut = args[++i];
  else if (a.startsWith("--")) { console.error(`first_frame: unknown option ${a}`); process.exit(2); }
  else site = a;
}
if (!urls.length) urls.push("", "?lesson=convolution");
if (!(runs >= 1) || !fs.existsSync(path.join(site, "index.html"))) {
  console.error(`first_frame: ${site}/index.html not found (build the site first) or bad --runs`);
  process.exit(2);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// One cold open of base+query: {firstFrame, ready, bytesFirst, bytesAll, files: [...]}.
async function openOnce(browser, base, query) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (throttle > 0)
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false, latency: 20, downloadThroughput: throttle * 125000, uploadThroughput: throttle * 125000 });
  const reqs = new Map();  // requestId -> {url, start, end, bytes, encoding}
  let wallStart = 0;       // CDP timestamps (s, monotonic) of the navigation request
  cdp.on("Network.requestWillBeSent", (e) => {
    if (!wallStart) wallStart = e.timestamp;
    reqs.set(e.requestId, { url: e.request.url, start: e.timestamp, end: 0, bytes: 0, encoding: "" });
  });
  cdp.on("Network.responseReceived", (e) => {
    const r = reqs.get(e.requestId);
    if (r) {
      const h = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
      r.encoding = h["content-encoding"] || "";
      r.type = h["content-type"] || "";
    }
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = reqs.get(e.requestId);
    if (r) { r.end = e.timestamp; r.bytes = e.encodedDataLength; }
  });
  // The first frame, seen from the page: performance.now() (from navigation start) of the first
  // animation frame after the page's report of frame 1.
  await page.addInitScript(() => {
    const tick = () => {
      const s = typeof Module !== "undefined" && Module.aelabState;
      if (s && s.frames >= 1) { window.__firstFrame = performance.now(); return; }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.goto(base + query, { waitUntil: "commit" });
  await page.waitForFunction(() => window.__firstFrame !== undefined, null, { timeout: 120000, polling: 50 });
  const firstFrame = await page.evaluate(() => window.__firstFrame);
  await page.waitForFunction(() => Module.aelabState.frames >= 30 && Module.aelabState.data !== "loading",
                             null, { timeout: 120000, polling: 100 });
  const ready = await page.evaluate(() => performance.now());
  const timing = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => ({ name: e.name, end: e.responseEnd })));
  await context.close();
  // CDP times are relative to the navigation request; the page's to its time origin (the same
  // moment, within a millisecond or two).
  const files = [...reqs.values()].map((r) => {
    const t = timing.find((x) => x.name === r.url);
    const end = t ? t.end : (r.end - wallStart) * 1000;
    return { file: new URL(r.url).pathname.slice(1) || "(page)" + (new URL(r.url).search || ""),
             bytes: r.bytes, encoding: r.encoding, end_ms: Math.round(end), before_first_frame: end <= firstFrame };
  });
  const sum = (fs_) => fs_.reduce((a, f) => a + f.bytes, 0);
  return { firstFrame, ready, bytesFirst: sum(files.filter((f) => f.before_first_frame)), bytesAll: sum(files), files };
}

const { server, url: base } = await serve(site, 0);
const browser = await launch();
const report = { site: path.resolve(site), runs, throttle_mbit: throttle || null, pages: [] };
try {
  for (const q of urls) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await openOnce(browser, base, q));
    const ff = median(samples.map((s) => s.firstFrame));
    const mid = samples.reduce((b, s) => (Math.abs(s.firstFrame - ff) < Math.abs(b.firstFrame - ff) ? s : b));
    report.pages.push({
      url: "/" + q,
      first_frame_ms: Math.round(ff),
      first_frame_ms_all: samples.map((s) => Math.round(s.firstFrame)),
      ready_ms: Math.round(median(samples.map((s) => s.ready))),
      bytes_before_first_frame: median(samples.map((s) => s.bytesFirst)),
      bytes_total: median(samples.map((s) => s.bytesAll)),
      files: mid.files,
    });
  }
} finally {
  await browser.close();
  server.close();
}

const kb = (b) => (b / 1024).toFixed(1).padStart(8);
console.log(`cold cache, ${runs} runs each, median; ${throttle ? `throttled to ${throttle} Mbit/s + 20 ms` : "localhost, unthrottled"}`);
console.log("page                       first frame ms   ready ms   KB before 1st frame   KB total");
for (const p of report.pages)
  console.log(`${p.url.padEnd(26)} ${String(p.first_frame_ms).padStart(14)} ${String(p.ready_ms).padStart(10)} ` +
              `${kb(p.bytes_before_first_frame).padStart(21)} ${kb(p.bytes_total).padStart(10)}   (runs: ${p.first_frame_ms_all.join(", ")})`);
for (const p of report.pages) {
  console.log(`\n${p.url}: files of the median run (KB on the wire, finished at ms, * = finished before the first frame)`);
  for (const f of p.files)
    console.log(`  ${f.before_first_frame ? "*" : " "} ${f.file.padEnd(40)} ${kb(f.bytes)} KB ${String(f.end_ms).padStart(7)} ms ${f.encoding}`);
}
console.log("\n" + JSON.stringify(report));
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(report, null, 2) + "\n");
