// The web benchmark: serves the site, opens bench.html in headless Debian Chromium and prints
// what `aelab-cli bench` printed in the tab (the same cases as under node, measured by the
// browser's own WebAssembly engine). Arguments after the site directory go to `bench`:
//   node tests/browser/web-bench.mjs build/web [--json] [--only b,c] [--repeats N]
// (tools/web-bench.sh wraps this). Exits with the benchmark's status.
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "../../tools/serve.mjs";

const site = path.resolve(process.argv[2] || "build/web");
const args = process.argv.slice(3).join(" ");
const { server, url: root } = await serve(site, 0);
const url = `${root}bench.html?args=${encodeURIComponent(args)}`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium", headless: true,
  args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
let rc = 1;
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.aelabBench && window.aelabBench.done, null,
                             { timeout: 10 * 60 * 1000, polling: 500 });
  const result = await page.evaluate(() => window.aelabBench);
  console.log(result.output);
  console.log(`(${await browser.version()}, headless)`);
  rc = result.rc;
} finally {
  await browser.close();
  server.close();
}
process.exit(rc);
