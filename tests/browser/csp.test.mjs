// Content-Security-Policy of the pages (issue 14): every page of the site carries its policy in a
// <meta http-equiv> (it holds on any static host) and tools/serve.mjs sends the same policy as a
// header plus frame-ancestors; no page has an inline script or event handler; the lessons load,
// draw and train under the policy, the course page (embed-example.html) drives its iframe under it,
// and no `securitypolicyviolation` event or CSP console message occurs in any page or frame. With
// the header stripped (a static host sending none) the meta policy alone still refuses an inline
// script.
//   node tests/browser/csp.test.mjs [SITE_DIR=build/web] [SCREENSHOT_DIR=build/screenshots/csp]
import fs from "node:fs";
import path from "node:path";
import { expect, expr, launch, moreFrames, results, screenshotDir, serve, settle, site, withPage } from "./common.mjs";
import { metaPolicy } from "../../tools/serve.mjs";

const shots = screenshotDir("build/screenshots/csp");
const started = Date.now();

// Directives as a map, for comparing policies whatever their order and spacing.
const directives = (policy) => new Map(policy.split(";").map((d) => d.trim()).filter(Boolean)
  .map((d) => { const [name, ...values] = d.split(/\s+/); return [name.toLowerCase(), values.join(" ")]; }));

// Every frame records its policy violations (the init script runs in each new document and frame,
// before the page's own scripts; the browser's CDP injection is not subject to the policy).
const RECORD_VIOLATIONS = () => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "(inline)"} in ${e.documentURI} ` +
                                `at ${e.sourceFile}:${e.lineNumber}`);
  }, true);
};
async function violations(page) {
  const out = [];
  for (const f of page.frames()) {
    try { out.push(...(await f.evaluate(() => window.__cspViolations || ["(no recorder in this frame)"]))); }
    catch (e) { out.push(`frame ${f.url()}: ${e.message}`); }
  }
  return out;
}
// Console messages about the policy, of any level (Chrome reports a violation as an error, an
// ignored meta directive as an error, an unrecognised source as a warning).
function watchConsole(page, into) {
  page.on("console", (m) => { if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) into.push(`${m.type()}: ${m.text()}`); });
}

// 1. Static: every page in the site has a meta policy without 'unsafe-inline' or 'unsafe-eval' for
// scripts, and no inline script or inline event handler.
const pages = fs.readdirSync(site).filter((f) => f.endsWith(".html")).sort();
{
  let bad = [];
  expect(pages.includes("index.html") && pages.includes("embed-example.html") && pages.includes("bench.html"),
         `pages in ${site}: ${pages}`);
  for (const p of pages) {
    const html = fs.readFileSync(path.join(site, p), "utf8");
    const policy = metaPolicy(html);
    if (!policy) { bad.push(`${p}: no <meta http-equiv="Content-Security-Policy">`); continue; }
    const d = directives(policy);
    const script = d.get("script-src") ?? d.get("default-src") ?? "";
    if (/'unsafe-inline'|'unsafe-eval'|\*|data:/.test(script)) bad.push(`${p}: script-src allows ${script}`);
    if (!d.has("default-src")) bad.push(`${p}: no default-src`);
    if (d.get("object-src") !== "'none'" || d.get("base-uri") !== "'none'") bad.push(`${p}: object-src/base-uri not 'none'`);
    if (d.has("frame-ancestors")) bad.push(`${p}: frame-ancestors in a meta policy is ignored (send it as a header)`);
    if (html.indexOf("http-equiv") > html.search(/<(script|style|link)\b/i)) bad.push(`${p}: the policy comes after a script or style`);
    for (const m of html.matchAll(/<script\b([^>]*)>/gi))
      if (!/\bsrc\s*=/.test(m[1])) bad.push(`${p}: an inline <script>`);
    if (/<style\b/i.test(html)) bad.push(`${p}: an inline <style>`);
    for (const m of html.matchAll(/<[a-z][^>]*\s(on[a-z]+)\s*=/gi)) bad.push(`${p}: an inline handler ${m[1]}`);
    if (/\sstyle\s*=/i.test(html)) bad.push(`${p}: a style attribute`);
    if (/javascript:/i.test(html)) bad.push(`${p}: a javascript: URL`);
  }
  if (bad.length) { console.log(`FAIL static-policy:\n    ${bad.join("\n    ")}`); results.failures++; }
  else { console.log(`ok   static-policy (${pages.join(", ")})`); results.passed++; }
}

const { server, url: base } = await serve(site, 0);
const browser = await launch();
try {
  // 2. Each page: the header is the meta policy plus frame-ancestors, the page works, no violation.
  const CASES = [
    { name: "home", url: "", ancestors: "*" },
    { name: "lesson-convolution", url: "index.html?lesson=convolution", ancestors: "*", lesson: "convolution" },
    { name: "lesson-autoencoder-trains", url: "?lesson=autoencoder&train=1", ancestors: "*", lesson: "autoencoder", trains: true },
    { name: "lesson-vae-model-file", url: "?lesson=vae", ancestors: "*", lesson: "vae" },  // fetches data/models/
    { name: "lesson-conv-autoencoder-embed", url: "?lesson=conv-autoencoder&embed=1&train=1", ancestors: "*",
      lesson: "conv-autoencoder", trains: true },
    { name: "embed-example", url: "embed-example.html", ancestors: "'self'", course: true },
    { name: "bench", url: `bench.html?args=${encodeURIComponent("--only g --repeats 1 --json")}`, ancestors: "'self'", bench: true },
  ];
  for (const c of CASES) {
    const csp = [];
    await withPage(browser, `csp-${c.name}`, { route: async (page) => { watchConsole(page, csp); await page.addInitScript(RECORD_VIOLATIONS); } },
                   async (page) => {
      const response = await page.goto(base + c.url);
      const header = response.headers()["content-security-policy"];
      expect(header, `no Content-Security-Policy header on ${c.url || "/"}`);
      const meta = await page.evaluate(() => {
        const m = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
        return m && m.content;
      });
      expect(meta, "no meta policy in the page");
      const h = directives(header), m = directives(meta);
      expect(h.get("frame-ancestors") === c.ancestors, `header frame-ancestors '${h.get("frame-ancestors")}', wanted '${c.ancestors}'`);
      h.delete("frame-ancestors");
      expect(JSON.stringify([...h].sort()) === JSON.stringify([...m].sort()), `header ${header}\n    differs from the meta ${meta}`);
      if (c.lesson !== undefined || c.name === "home") {
        expect(/'wasm-unsafe-eval'/.test(m.get("script-src")), `script-src ${m.get("script-src")} has no 'wasm-unsafe-eval'`);
        const s = await settle(page, 30, `Module.aelabState.data !== "loading"`);
        expect(s.lesson === (c.lesson || ""), `shows '${s.lesson}', wanted '${c.lesson || ""}'`);
        expect(s.data !== "failed", "the dataset failed to load under the policy");
        // The lesson's text view came through (aelab-ui.js, a script file, built it from the module).
        const h1 = await page.evaluate(() => { const d = aelabUI.document(); return d && d.nodes.length; });
        expect(h1 > 0, "no text view document");
        if (c.lesson === "vae")
          await page.waitForFunction(expr(`Module.aelabState.status.pretrained === "loaded"`), null, { timeout: 60000, polling: 250 });
        if (c.trains)
          await page.waitForFunction(expr(`Number(Module.aelabState.status.step) >= 20`), null, { timeout: 90000, polling: 250 });
        await moreFrames(page, 5);
      }
      if (c.course) {
        // The course page's buttons drive the lesson in its iframe by postMessage.
        await page.waitForFunction(() => !document.getElementById("next").disabled, null, { timeout: 90000, polling: 100 });
        const frame = page.frame({ url: /embed=1/ });
        const s = await settle(frame, 20);
        expect(s.lesson === "convolution" && s.embed, `the iframe shows '${s.lesson}'`);
        await page.waitForFunction(() => /^step 1 \//.test(document.getElementById("step").textContent), null, { timeout: 30000 });
        await page.click("#next");
        await page.waitForFunction(() => /^step 2 \//.test(document.getElementById("step").textContent), null, { timeout: 10000 });
        await page.click("#check");
        const fb = await page.textContent("#feedback");
        expect(fb.startsWith("Not yet: stride 1 gives 8 outputs"), `feedback '${fb}'`);
      }
      if (c.bench) {
        await page.waitForFunction(() => window.aelabBench && window.aelabBench.done, null, { timeout: 120000 });
        const r = await page.evaluate(() => window.aelabBench);
        expect(r.rc === 0, `the benchmark under the policy: rc ${r.rc}: ${r.output}`);
      }
      await page.screenshot({ path: path.join(shots, `${c.name}.png`) });
      const v = await violations(page);
      expect(v.length === 0, `policy violations:\n    ${v.join("\n    ")}`);
      expect(csp.length === 0, `console messages about the policy:\n    ${csp.join("\n    ")}`);
    });
  }

  // 3. A static host that sends no header: the meta policy alone lets the lesson run and refuses an
  // inline script (and the refusal is seen as a violation event).
  {
    const csp = [];
    await withPage(browser, "csp-meta-alone", {
      allowErrors: [/(Executing|Refused to execute) inline script/],
      route: async (page) => {
        watchConsole(page, csp);
        await page.addInitScript(RECORD_VIOLATIONS);
        await page.route(/\/index\.html\?|\/\?lesson=/, async (route) => {
          const r = await route.fetch();
          const headers = { ...r.headers() };
          delete headers["content-security-policy"];
          await route.fulfill({ response: r, headers });
        });
      },
    }, async (page) => {
      const response = await page.goto(`${base}?lesson=tensors`);
      expect(!(await response.allHeaders())["content-security-policy"], "the header was not stripped");
      const s = await settle(page, 30, `Module.aelabState.data !== "loading"`);
      expect(s.lesson === "tensors" && s.data !== "failed", `shows '${s.lesson}', data ${s.data}`);
      const ran = await page.evaluate(async () => {
        const el = document.createElement("script");
        el.textContent = "window.__inlineRan = true;";
        document.body.appendChild(el);
        await new Promise((r) => setTimeout(r, 200));
        return !!window.__inlineRan;
      });
      expect(!ran, "an inline script ran under the meta policy");
      const v = await violations(page);
      expect(v.length === 1 && /^script-src/.test(v[0]), `violations: ${JSON.stringify(v)}`);
      expect(csp.length === 1 && /inline script/.test(csp[0]), `console: ${JSON.stringify(csp)}`);
      await page.screenshot({ path: path.join(shots, "meta-alone.png") });
    });
  }
} finally {
  await browser.close();
  server.close();
}
const failures = results.failures;
console.log(`${results.passed} passed, ${failures} failed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(failures ? 1 : 0);
