// The page's side of the embedding API (README, "Embedding a lesson").
var frame = document.getElementById("lesson");
var origin = new URL(frame.src, window.location.href).origin;  // talk to the lesson's origin only
var state = null;
function send(msg) { frame.contentWindow.postMessage(msg, origin); }
window.addEventListener("message", function (e) {
  if (e.origin !== origin || !e.data || e.data.source !== "aelab") return;
  var m = e.data;
  if (m.type === "ready") {
    ["next", "first", "check", "hint"].forEach(function (id) { document.getElementById(id).disabled = false; });
  } else if (m.type === "state") {
    state = m;
    document.getElementById("step").textContent = m.step ? m.step.text : "(no step shown)";
  } else if (m.type === "error") {
    document.getElementById("feedback").textContent = "The lesson reports: " + m.message;
  }
});
document.getElementById("next").onclick = function () { send({ type: "set", step: "next" }); };
document.getElementById("first").onclick = function () { send({ type: "set", step: "first" }); };
document.getElementById("hint").onclick = function () { send({ type: "set", params: { s1: 1 } }); };
document.getElementById("check").onclick = function () {
  var fb = document.getElementById("feedback");
  if (!state) { fb.textContent = "The lesson has not reported yet."; return; }
  // Read the student's current parameters: stride s1, padding p1, dilation d1, kernel w1.
  var p = state.params, stride = +(p.s1 || 1), pad = +(p.p1 || 0), dil = +(p.d1 || 1);
  var k = (p.w1 || "1,2,1").split(",").length;
  var out = Math.floor((10 + 2 * pad - dil * (k - 1) - 1) / stride) + 1;
  fb.textContent = out === 4
    ? "Right: stride " + stride + " gives " + out + " outputs (floor((10 + 2*" + pad + " - " + dil + "*(" + k + "-1) - 1)/" + stride + ") + 1)."
    : "Not yet: stride " + stride + " gives " + out + " outputs, and the question asks for 4.";
};
