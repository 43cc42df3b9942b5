// tools/serve.mjs serves only its folder: plain node, no browser (a second or so).
// A temporary tree with site/ and its sibling site-old/ (whose name starts with "site"), a symlink
// in site/ leading out (to a file and to a folder), one that stays inside, and requests sent
// byte for byte (encoded traversal: %2e%2e, %2F, double encoding, backslashes; NUL; malformed
// percent-encoding). Normal files come back with their content type, pages with their policy.
//   node tests/browser/serve.test.mjs
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { metaPolicy, serve } from "../../tools/serve.mjs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "aelab-serve-"));
const site = path.join(tmp, "site");
const write = (rel, text) => {
  fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
  fs.writeFileSync(path.join(tmp, rel), text);
};
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'";
write("site/index.html", `<!doctype html><meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${CSP}">\n<p>home`);
write("site/page.html", "<!doctype html><p>no policy of its own");
write("site/app.js", "console.log('app');");
write("site/style.css", "body{}");
write("site/m.wasm", "\0asm");
write("site/data/set.aelab", "DATASET");
write("site/sub/index.html", "<p>sub");
write("site/sp ace.txt", "SPACE");
write("site/%2e%2e/x.txt", "LITERAL");  // a folder really named "%2e%2e" (double encoding reaches it)
write("site-old/secret.txt", "SECRET-SIBLING");
write("secret.txt", "SECRET-TOP");
fs.symlinkSync(path.join(tmp, "site-old", "secret.txt"), path.join(site, "out-file"));
fs.symlinkSync("../site-old", path.join(site, "out-dir"));
fs.symlinkSync("data/set.aelab", path.join(site, "in-file.aelab"));
fs.symlinkSync("sub", path.join(site, "in-dir"));
fs.symlinkSync(site, path.join(tmp, "root-link"));  // the root itself may be a symlink

let failures = 0, passed = 0;
function check(cond, what) {
  if (cond) passed++;
  else { failures++; console.log(`FAIL ${what}`); }
}

// One request with the path exactly as given (no URL normalisation on the way).
function get(base, rawPath, method = "GET") {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: rawPath }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("latin1") }));
    });
    req.on("error", reject);
    req.end();
  });
}

const servers = [];
try {
  const { server, url: base } = await serve(site, 0);
  servers.push(server);
  const ok = async (p, type, body) => {
    const r = await get(base, p);
    check(r.status === 200, `${p}: status ${r.status}, wanted 200`);
    check(r.headers["content-type"] === type, `${p}: content type ${r.headers["content-type"]}, wanted ${type}`);
    if (body !== undefined) check(r.body === body, `${p}: body ${JSON.stringify(r.body.slice(0, 60))}`);
    return r;
  };
  const home = await ok("/", "text/html; charset=utf-8");
  check(home.body.includes("<p>home"), "/ is not index.html");
  check(home.headers["content-security-policy"] === `${CSP}; frame-ancestors *`,
        `index.html's policy header: ${home.headers["content-security-policy"]}`);
  check(metaPolicy(home.body) === CSP, `the meta policy read back: ${metaPolicy(home.body)}`);
  const page = await ok("/page.html", "text/html; charset=utf-8");
  check(/^default-src 'self'.*frame-ancestors 'self'$/.test(page.headers["content-security-policy"] || ""),
        `a page without a policy: ${page.headers["content-security-policy"]}`);
  await ok("/index.html?lesson=x#frag", "text/html; charset=utf-8");
  await ok("/app.js", "text/javascript; charset=utf-8", "console.log('app');");
  await ok("/app.js?v=1", "text/javascript; charset=utf-8", "console.log('app');");
  await ok("/style.css", "text/css; charset=utf-8", "body{}");
  await ok("/m.wasm", "application/wasm", "\0asm");
  await ok("/data/set.aelab", "application/octet-stream", "DATASET");
  await ok("/sub/", "text/html; charset=utf-8", "<p>sub");
  await ok("/sp%20ace.txt", "application/octet-stream", "SPACE");
  await ok("/%252e%252e/x.txt", "application/octet-stream", "LITERAL");  // decoded once: the folder "%2e%2e"
  await ok("/in-file.aelab", "application/octet-stream", "DATASET");     // a symlink inside the site
  await ok("/in-dir/index.html", "text/html; charset=utf-8", "<p>sub");
  await ok("/data/../app.js", "text/javascript; charset=utf-8", "console.log('app');");  // stays inside
  const head = await get(base, "/app.js", "HEAD");
  check(head.status === 200 && head.body === "" && head.headers["content-length"] === "19", `HEAD: ${head.status} ${head.headers["content-length"]}`);
  const post = await get(base, "/app.js", "POST");
  check(post.status === 405, `POST: ${post.status}`);

  const refused = async (p, status) => {
    const r = await get(base, p);
    check(r.status === status, `${p}: status ${r.status}, wanted ${status}`);
    check(!r.body.includes("SECRET") && !r.body.includes(tmp) && !r.body.includes("/"),
          `${p}: the answer leaks something: ${JSON.stringify(r.body)}`);
  };
  for (const p of [
    "/..%2Fsite-old%2Fsecret.txt", "/..%2fsite-old/secret.txt", "/%2e%2e/site-old/secret.txt", "/%2E%2E%2Fsite-old%2Fsecret.txt",
    "/../site-old/secret.txt", "/sub/../../site-old/secret.txt", "/sub/%2e%2e/%2e%2e/secret.txt", "/..", "/../", "/%2e%2e",
    "/..%2Fsecret.txt", "/.%2e/secret.txt", "/%2e./secret.txt", "/%2F..%2Fsecret.txt",
    "/%252e%252e%252fsite-old%252fsecret.txt", "/%25%32%65%25%32%65/secret.txt",  // double encoding: a literal name
    "/out-file", "/out-dir/secret.txt", "/out-dir/", "/in-dir/../out-file",          // symlinks leading out
    "//etc/passwd", "/%2Fetc%2Fpasswd", "/missing.html", "/sub", "/data/",
  ]) await refused(p, 404);
  for (const p of [
    "/..%5Csite-old%5Csecret.txt", "/..\\site-old\\secret.txt", "/sub\\..\\..\\secret.txt",  // backslashes
    "/index.html%00.png", "/%00", "/app.js%00",                                               // NUL
    "/%", "/%zz", "/%E0%A4%A", "/%C0%AE%C0%AE/secret.txt", "/%ff",                           // malformed encodings
    "*", "http://127.0.0.1/../secret.txt",
  ]) await refused(p, 400);

  // The root given through a symlink still serves its files and refuses the same escapes.
  const { server: s2, url: base2 } = await serve(path.join(tmp, "root-link"), 0);
  servers.push(s2);
  const viaLink = await get(base2, "/app.js");
  check(viaLink.status === 200 && viaLink.body === "console.log('app');", `a symlinked root: ${viaLink.status}`);
  check((await get(base2, "/out-file")).status === 404, "a symlinked root serves a symlink leading out");
  check((await get(base2, "/..%2Fsite-old%2Fsecret.txt")).status === 404, "a symlinked root serves its sibling");
} finally {
  for (const s of servers) s.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
console.log(failures ? `${failures} serve check(s) failed, ${passed} passed` : `all ${passed} serve checks passed`);
process.exit(failures ? 1 : 0);
