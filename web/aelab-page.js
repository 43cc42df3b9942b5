// The lesson page (index.html): the Module object emscripten's aelab.js reads, the loading and
// error line, touch handling around SDL, then aelab.js itself. A file, not an inline script: the
// page's Content-Security-Policy allows scripts from the site only.
var statusEl = document.getElementById("status");
function showError(text) {
  statusEl.className = "error";
  statusEl.style.display = "block";
  statusEl.textContent = text;
}
var Module = {
  canvas: document.getElementById("canvas"),
  print: function (text) { console.log(text); },
  printErr: function (text) { console.warn(text); },
  setStatus: function (text) { if (text) statusEl.textContent = text; },
  onRuntimeInitialized: function () { statusEl.style.display = "none"; },
  onAbort: function (what) {
    showError("aelab stopped: " + what + ". Reload the page; if it happens again, please report it.");
  }
};
if (typeof WebAssembly !== "object" || !WebAssembly.validate(new Uint8Array(
    [0,97,115,109,1,0,0,0,1,5,1,96,0,1,123,3,2,1,0,10,10,1,8,0,65,0,253,15,253,98,11]))) {
  showError("This browser lacks WebAssembly SIMD, which aelab needs (Chrome 91+, Firefox 89+, Safari 16.4+).");
} else {
  var s = document.createElement("script");
  s.src = "aelab.js";
  s.onerror = function () { showError("aelab.js could not be loaded."); };
  document.body.appendChild(s);
}
// Pinch zoom of the page stays possible: SDL cancels every touchstart it sees (which would stop the
// browser's zoom), so a touch that starts with one finger keeps its default (the canvas's
// touch-action still forbids panning the page), and a second finger does not reach the lesson.
window.addEventListener("touchstart", function (e) {
  if (e.target !== Module.canvas) return;
  if (e.touches.length > 1) e.stopPropagation();
  else e.preventDefault = function () {};
}, { capture: true, passive: true });
// Once the browser owns a touch (a possible pinch), its later events cannot be cancelled; SDL
// would try anyway and Chrome would log an error for each.
["touchmove", "touchend", "touchcancel"].forEach(function (type) {
  window.addEventListener(type, function (e) {
    if (e.target === Module.canvas && !e.cancelable) e.preventDefault = function () {};
  }, { capture: true, passive: true });
});
// The lesson has no use for the browser's context menu over the canvas.
Module.canvas.addEventListener("contextmenu", function (e) { e.preventDefault(); });
Module.canvas.addEventListener("webglcontextlost", function (e) {
  showError("The WebGL context was lost. Reload the page.");
  e.preventDefault();
}, false);
