#!/usr/bin/env node
// A small static file server for the web build (correct MIME types for .wasm and .data), on
// 127.0.0.1 only. Used by tools/serve.sh and the browser tests.
//   node tools/serve.mjs [DIR] [PORT]      (PORT 0 picks a free port)
//
// It serves only what lies inside DIR: the request path is percent-decoded once, resolved against
// DIR and must stay inside it (path.relative, not a string prefix: DIR's sibling "web-old" of "web"
// is outside), and so must its real path once symlinks are followed. A NUL byte, a backslash or
// malformed percent-encoding is a 400; a path outside, missing or not a file is a 404. No answer
// names a file system path.
//
// Precompressed copies: when the request's Accept-Encoding takes gzip, a file with a valid "F.gz"
// beside it (inside DIR by the same rules, a file, not older than F; tools/precompress.sh makes
// them) is sent as F's gzip encoding: Content-Encoding: gzip, F's Content-Type, the .gz's length.
// A Range request gets the plain file (this server sends whole files: 200, no ranges); a .gz asked
// for by name is an application/gzip file like any other. Every file answer says
// Vary: Accept-Encoding.
//
// HTML pages get their Content-Security-Policy as a header too: the policy of the page's own
// <meta http-equiv="Content-Security-Policy"> (which holds on any static host), plus what a meta
// element cannot carry: frame-ancestors. The lesson page (index.html) may be framed by any course
// page; the other pages only by this site.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm", ".data": "application/octet-stream", ".aelab": "application/octet-stream",
  ".png": "image/png", ".css": "text/css; charset=utf-8", ".json": "application/json", ".ttf": "font/ttf",
  ".gz": "application/gzip", ".aelabm": "application/octet-stream", ".md": "text/markdown; charset=utf-8",
};

// For a page without a policy of its own.
export const DEFAULT_CSP = "default-src 'self'; object-src 'none'; base-uri 'none'";
// The frame-ancestors directive sent with a page (a meta policy cannot set it).
export function frameAncestors(file) {
  return path.basename(file) === "index.html" ? "frame-ancestors *" : "frame-ancestors 'self'";
}
// The policy of a page's <meta http-equiv="Content-Security-Policy" content="...">, or null.
export function metaPolicy(html) {
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["'\s>]/i.test(m[0])) continue;
    const c = /\bcontent\s*=\s*"([^"]*)"/i.exec(m[0]) || /\bcontent\s*=\s*'([^']*)'/i.exec(m[0]);
    if (c) return c[1].replace(/&#39;|&apos;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").trim();
  }
  return null;
}
export function pagePolicy(file, html) {
  const own = (metaPolicy(html) || DEFAULT_CSP).replace(/;\s*$/, "");
  return `${own}; ${frameAncestors(file)}`;
}

function inside(root, p) {
  const rel = path.relative(root, p);
  return rel === "" || (rel !== ".." && !rel.startsWith(".." + path.sep) && !path.isAbsolute(rel));
}

// The file a request path names inside root (realRoot: root with its symlinks resolved), as
// {status: 200, file, name} or {status: 400 | 404}. Asynchronous: it follows symlinks.
export async function resolveRequest(root, realRoot, url) {
  if (typeof url !== "string" || !url.startsWith("/")) return { status: 400 };  // "*", "http://host/..."
  const raw = url.split(/[?#]/, 1)[0];
  let rel;
  try {
    rel = decodeURIComponent(raw);
  } catch {
    return { status: 400 };  // malformed percent-encoding
  }
  if (rel.includes("\0") || rel.includes("\\")) return { status: 400 };
  let file = path.resolve(root, "." + rel);
  if (!inside(root, file)) return { status: 404 };
  if (rel.endsWith("/")) file = path.join(file, "index.html");
  return resolveFile(realRoot, file);
}

// The file at `file` (a path inside root) if it, with its symlinks followed, is a file inside
// realRoot: {status: 200, file (real path), name, size, mtimeMs} or {status: 404}.
export async function resolveFile(realRoot, file) {
  let real;
  try {
    real = await fs.promises.realpath(file);
  } catch {
    return { status: 404 };
  }
  if (!inside(realRoot, real)) return { status: 404 };  // a symlink leading out
  let st;
  try {
    st = await fs.promises.stat(real);
  } catch {
    return { status: 404 };
  }
  if (!st.isFile()) return { status: 404 };
  return { status: 200, file: real, name: file, size: st.size, mtimeMs: st.mtimeMs };
}

// Whether an Accept-Encoding header value takes gzip (a "gzip" or "*" coding without q=0).
export function acceptsGzip(header) {
  if (typeof header !== "string") return false;
  let gzip = null, star = null;
  for (const part of header.split(",")) {
    const [coding, ...params] = part.trim().toLowerCase().split(";").map((x) => x.trim());
    const qp = params.find((x) => x.startsWith("q="));
    const q = qp ? Number(qp.slice(2)) : 1;
    const ok = Number.isFinite(q) && q > 0;
    if (coding === "gzip" || coding === "x-gzip") gzip = ok;
    else if (coding === "*") star = ok;
  }
  return gzip ?? star ?? false;
}

const REASON = { 400: "bad request", 404: "not found", 405: "method not allowed", 500: "server error" };

export function serve(root, port = 0, host = "127.0.0.1") {
  root = path.resolve(root);
  const realRoot = fs.realpathSync(root);
  const server = http.createServer(async (req, res) => {
    const fail = (status, headers = {}) =>
      res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff", ...headers })
         .end(REASON[status]);
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return fail(405, { Allow: "GET, HEAD" });
      const r = await resolveRequest(root, realRoot, req.url);
      if (r.status !== 200) return fail(r.status);
      const ext = path.extname(r.name);
      const headers = {
        "Content-Type": TYPES[ext] || "application/octet-stream",
        "Content-Length": r.size,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
      };
      // The precompressed copy, when the client takes gzip and the copy is valid.
      let sent = r;
      if (ext !== ".gz" && req.headers.range === undefined && acceptsGzip(req.headers["accept-encoding"])) {
        const gz = await resolveFile(realRoot, r.name + ".gz");
        if (gz.status === 200 && gz.mtimeMs >= r.mtimeMs) {
          sent = gz;
          headers["Content-Encoding"] = "gzip";
          headers["Content-Length"] = gz.size;
        }
      }
      let body = null;
      if (ext === ".html") {
        const html = await fs.promises.readFile(r.file);
        body = sent === r ? html : await fs.promises.readFile(sent.file);
        headers["Content-Length"] = body.length;
        headers["Content-Security-Policy"] = pagePolicy(r.name, html.toString("utf8"));
      }
      // The benchmark page is cross-origin isolated, so the browser's clock ticks in
      // microseconds (otherwise performance.now() is coarsened to 100 us, ~5% of a case).
      if (path.basename(r.name) === "bench.html") {
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
      }
      res.writeHead(200, headers);
      if (req.method === "HEAD") res.end();
      else if (body) res.end(body);
      else fs.createReadStream(sent.file).on("error", () => res.destroy()).pipe(res);
    } catch {
      if (!res.headersSent) fail(500);
      else res.destroy();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve({ server, url: `http://${host}:${server.address().port}/` }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] || "build/web";
  const port = Number(process.argv[3] ?? 8000);
  if (!fs.existsSync(path.join(root, "index.html"))) {
    console.error(`serve: ${root}/index.html not found; build the web bundle first`);
    process.exit(1);
  }
  const { url } = await serve(root, port);
  console.log(`aelab is served at ${url}  (Ctrl+C to stop)`);
}
