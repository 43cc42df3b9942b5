// The benchmark page (bench.html): runs aelab-cli's bench (aelab-bench.js) in the tab.
// window.aelabBench = {done, rc, output} when finished (tests/browser/web-bench.mjs reads it).
var outEl = document.getElementById("out");
var lines = [];
function show(text) { lines.push(text); outEl.textContent = lines.join("\n"); }
var args = ["bench"].concat((new URLSearchParams(location.search).get("args") || "")
                            .split(/\s+/).filter(Boolean));
var Module = {
  noInitialRun: true,
  print: show,
  printErr: function (text) { show(text); console.warn(text); },
  onRuntimeInitialized: function () {
    outEl.textContent = "Running aelab-cli " + args.join(" ") + " ...";
    // Let the page paint the line above before the benchmark blocks the tab.
    setTimeout(function () {
      lines = [];
      var rc = Module.callMain(args);
      if (!window.crossOriginIsolated)
        show("(this page is not cross-origin isolated, so the browser's clock ticks in ~100 us:" +
             " serve it with Cross-Origin-Opener-Policy: same-origin and" +
             " Cross-Origin-Embedder-Policy: require-corp, as tools/serve.sh does)");
      if (rc !== 0) outEl.className = "error";
      window.aelabBench = { done: true, rc: rc, output: lines.join("\n") };
    }, 50);
  },
  onAbort: function (what) {
    outEl.className = "error";
    show("The benchmark stopped: " + what);
    window.aelabBench = { done: true, rc: -1, output: lines.join("\n") };
  }
};
if (typeof WebAssembly !== "object" || !WebAssembly.validate(new Uint8Array(
    [0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,10,1,8,0,65,0,253,15,253,98,11]))) {
  outEl.className = "error";
  outEl.textContent = "This browser lacks WebAssembly SIMD, which aelab needs.";
} else {
  var s = document.createElement("script");
  s.src = "aelab-bench.js";
  document.body.appendChild(s);
}
