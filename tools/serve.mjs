#!/usr/bin/env node
// A small static file server for the web build (correct MIME types for .wasm and .data), on
// 127.0.0.1 only. Used by tools/serve.sh and the browser tests.
//   node tools/serve.mjs [DIR] [PORT]      (PORT 0 picks a free port)
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm", ".data": "application/octet-stream", ".aelab": "application/octet-stream",
  ".png": "image/png", ".css": "text/css; charset=utf-8", ".json": "application/json", ".ttf": "font/ttf",
};

export function serve(root, port = 0, host = "127.0.0.1") {
  root = path.resolve(root);
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    } catch {
      res.writeHead(400).end("bad request");
      return;
    }
    let file = path.join(root, rel);
    if (!file.startsWith(root)) {
      res.writeHead(403).end("forbidden");
      return;
    }
    if (rel.endsWith("/")) file = path.join(file, "index.html");
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
        return;
      }
      const headers = {
        "Content-Type": TYPES[path.extname(file)] || "application/octet-stream",
        "Content-Length": st.size,
        "Cache-Control": "no-cache",
      };
      // The benchmark page is cross-origin isolated, so the browser's clock ticks in
      // microseconds (otherwise performance.now() is coarsened to 100 us, ~5% of a case).
      if (path.basename(file) === "bench.html") {
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
      }
      res.writeHead(200, headers);
      if (req.method === "HEAD") res.end();
      else fs.createReadStream(file).pipe(res);
    });
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
