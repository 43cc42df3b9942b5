// tools/serve.mjs serves only its folder: plain node, no browser (a second or so).
// A temporary tree with site/ and its sibling site-old/ (whose name starts with "site"), a symlink
// in site/ leading out (to a file and to a folder), one that stays inside, and requests sent
// byte for byte (encoded traversal: %2e%2e, %2F, double encoding, backslashes; NUL; malformed
// percent-encoding). Normal files come back with their content type, pages with their policy;
// precompressed .gz copies only when gzip is accepted, valid and inside the site.
//   node tests/browser/serve.test.mjs
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { acceptsGzip, metaPolicy, serve } from "../../tools/serve.mjs";

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

// Precompressed copies (tools/precompress.sh makes them in the build): a valid one, a stale one
// (older than its file), one whose file is missing, one of a page, and one that is a symlink
// leading out of the site.
const BIG = "console.log('precompressed');\n".repeat(200);
write("site/big.js", BIG);
write("site/big.js.gz", zlib.gzipSync(BIG));
write("site/stale.js", "console.log('new');");
write("site/stale.js.gz", zlib.gzipSync("console.log('old');"));
fs.utimesSync(path.join(site, "stale.js.gz"), new Date(2000, 0, 1), new Date(2000, 0, 1));
write("site/only-gz.js.gz", zlib.gzipSync("ONLY-GZ"));
write("site/page-gz.html.gz", zlib.gzipSync(`<!doctype html><meta http-equiv="Content-Security-Policy" content="${CSP}"><p>gz`));
write("site/page-gz.html", `<!doctype html><meta http-equiv="Content-Security-Policy" content="${CSP}"><p>gz`);
fs.utimesSync(path.join(site, "page-gz.html"), new Date(2001, 0, 1), new Date(2001, 0, 1));
write("site-old/leak.js.gz", zlib.gzipSync("SECRET-GZ"));
write("site/leak.js", "console.log('leak');");
fs.symlinkSync(path.join(tmp, "site-old", "leak.js.gz"), path.join(site, "leak.js.gz"));

// One request with the path exactly as given (no URL normalisation on the way).
function get(base, rawPath, method = "GET", headers = {}) {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path: rawPath, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, raw, body: raw.toString("latin1") });
      });
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

  // Precompressed copies.
  const GZ = { "Accept-Encoding": "gzip, deflate, br" };
  const zipped = await get(base, "/big.js", "GET", GZ);
  check(zipped.status === 200 && zipped.headers["content-encoding"] === "gzip", `gzip accepted: ${zipped.status} ${zipped.headers["content-encoding"]}`);
  check(zipped.headers["content-type"] === "text/javascript; charset=utf-8", `gzip: the file's type, got ${zipped.headers["content-type"]}`);
  check(zipped.headers["vary"] === "Accept-Encoding", `gzip: vary ${zipped.headers["vary"]}`);
  check(Number(zipped.headers["content-length"]) === fs.statSync(path.join(site, "big.js.gz")).size &&
        zipped.raw.length < BIG.length, `gzip: length ${zipped.headers["content-length"]}`);
  check(zlib.gunzipSync(zipped.raw).toString() === BIG, "gzip: the body does not unzip to the file");
  const plain = await get(base, "/big.js");
  check(plain.status === 200 && plain.headers["content-encoding"] === undefined && plain.body === BIG &&
        plain.headers["vary"] === "Accept-Encoding", `no Accept-Encoding: ${plain.headers["content-encoding"]}`);
  for (const ae of ["deflate, br", "gzip;q=0", "gzip;q=0, br", "identity", "*;q=0", "gzipx"]) {
    const r = await get(base, "/big.js", "GET", { "Accept-Encoding": ae });
    check(r.headers["content-encoding"] === undefined && r.body === BIG, `Accept-Encoding "${ae}" got gzip`);
  }
  for (const ae of ["GZIP", "br;q=1, gzip;q=0.5", "*", "x-gzip"])
    check(acceptsGzip(ae), `acceptsGzip("${ae}")`);
  const headGz = await get(base, "/big.js", "HEAD", GZ);
  check(headGz.status === 200 && headGz.body === "" && headGz.headers["content-encoding"] === "gzip" &&
        headGz.headers["content-length"] === zipped.headers["content-length"], `HEAD with gzip: ${JSON.stringify(headGz.headers)}`);
  const ranged = await get(base, "/big.js", "GET", { ...GZ, Range: "bytes=0-9" });
  check(ranged.status === 200 && ranged.headers["content-encoding"] === undefined && ranged.body === BIG,
        `a Range request: ${ranged.status} ${ranged.headers["content-encoding"]} (wanted the whole plain file)`);
  const direct = await get(base, "/big.js.gz", "GET", GZ);
  check(direct.status === 200 && direct.headers["content-type"] === "application/gzip" &&
        direct.headers["content-encoding"] === undefined && zlib.gunzipSync(direct.raw).toString() === BIG,
        `a .gz by name: ${direct.headers["content-type"]} ${direct.headers["content-encoding"]}`);
  const stale = await get(base, "/stale.js", "GET", GZ);
  check(stale.headers["content-encoding"] === undefined && stale.body === "console.log('new');", "a stale .gz is served");
  check((await get(base, "/only-gz.js", "GET", GZ)).status === 404, "a .gz without its file is served");
  const pageGz = await get(base, "/page-gz.html", "GET", GZ);
  check(pageGz.headers["content-encoding"] === "gzip" && zlib.gunzipSync(pageGz.raw).toString().includes("<p>gz") &&
        pageGz.headers["content-security-policy"] === `${CSP}; frame-ancestors 'self'`,
        `a page's .gz: ${pageGz.headers["content-encoding"]} ${pageGz.headers["content-security-policy"]}`);
  const leak = await get(base, "/leak.js", "GET", GZ);
  check(leak.headers["content-encoding"] === undefined && leak.body === "console.log('leak');",
        "a .gz symlink leading out of the site is served");
  check((await get(base, "/leak.js.gz", "GET", GZ)).status === 404, "a .gz symlink leading out, by name");

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
