// aelab: the training worker (issue 16). A lesson's LiveTraining starts one of these with
// `new Worker("aelab-train-worker.js")` (lessons/kit/train_backend.cpp) and talks to it with
// plain postMessage, so a page needs no SharedArrayBuffer and no cross-origin-isolation headers.
//
// Page -> worker: {cmd: "init", dataUrl}, {cmd: "configure", generation, spec, maxSteps,
// evalEvery, evalAtStart, explodeFactor}, {cmd: "start"}, {cmd: "pause"}, {cmd: "steps", maxSteps},
// {cmd: "adjust", generation, spec} (a mid-run change, JobRunner::adjust), {cmd: "pauseAt", generation,
// maxSteps} (run until that step, then pause), {cmd: "ack"}. adjust and pauseAt carry the generation
// the page had configured when it sent them; one for another generation is dropped.
// Worker -> page: {type: "snapshot", bytes} (an ArrayBuffer, transferred: a JobSnapshot's
// encoding) and {type: "error", message} when the worker cannot work.
//
// Steps run in slices of about 25 ms; between slices the worker reads its messages (a zero-delay
// MessageChannel, not setTimeout, which browsers clamp to 4 ms). At most one snapshot is on its
// way: the next is sent after the page acks the last, with the weights (the view) at most every
// 100 ms while running. A tab in the background (no frames, no acks) makes the runner hold its
// steps instead of piling up messages.
"use strict";

const kSliceMs = 25, kViewIntervalMs = 100;
let ready = false, dataUrl = "", dataLoaded = false, loadedOk = false, pending = [];
let running = false, inFlight = false, dirty = false, lastView = 0;

function fail(message) { postMessage({type : "error", message : String(message)}); }

var Module = {
    print : function() {},
    printErr : function(text) { console.warn("aelab-train: " + text); },
    onAbort : function(what) {
        fail(ready ? "the training module stopped (" + what + ")"
                   : "the training worker could not start: aelab-train.wasm did not load (" + what + ")");
    },
    onRuntimeInitialized : function() {
        ready = true;
        loadData();
    },
};

function loadData() {
    if (!ready || !dataUrl || dataLoaded) return;
    dataLoaded = true;
    fetch(dataUrl)
        .then(function(r) {
            if (!r.ok) throw new Error(dataUrl + ": HTTP " + r.status);
            return r.arrayBuffer();
        })
        .then(function(buf) {
            const bytes = new Uint8Array(buf);
            const p = Module._malloc(Math.max(1, bytes.length));
            Module.HEAPU8.set(bytes, p);
            const rc = Module._aelab_train_load(p, bytes.length);
            Module._free(p);
            if (rc !== 0) throw new Error(Module.UTF8ToString(Module._aelab_train_error()));
            loadedOk = true;
            drain();
        })
        .catch(function(err) { fail("the training worker could not load the dataset: " + err.message); });
}

function withString(text, fn) {
    const n = Module.lengthBytesUTF8(text) + 1;
    const p = Module._malloc(n);
    Module.stringToUTF8(text, p, n);
    try { return fn(p); } finally { Module._free(p); }
}

function handle(m) {
    switch (m.cmd) {
    case "configure":
        running = false;
        if (withString(m.spec, function(p) {
                return Module._aelab_train_configure(m.generation, p, m.maxSteps, m.evalEvery, m.evalAtStart, m.explodeFactor);
            }) !== 0) {
            fail("the training worker could not build the job: " + Module.UTF8ToString(Module._aelab_train_error()));
            return;
        }
        break;
    case "start": Module._aelab_train_start(); break;
    case "pause": Module._aelab_train_pause(); break;
    case "steps": Module._aelab_train_set_max_steps(m.maxSteps); break;
    case "adjust":
        if (withString(m.spec, function(p) { return Module._aelab_train_adjust(m.generation, p); }) !== 0) {
            fail("the training worker could not read a change: " + Module.UTF8ToString(Module._aelab_train_error()));
            return;
        }
        break;
    case "pauseAt": Module._aelab_train_pause_at(m.generation, m.maxSteps); break;
    case "ack": inFlight = false; break;
    default: return;
    }
    if (m.cmd !== "ack") dirty = true;
    running = Module._aelab_train_running() === 1;
    if (running) schedule();
    send();
}

// Commands wait until the module and the dataset are ready.
function drain() {
    while (pending.length) handle(pending.shift());
}

onmessage = function(e) {
    const m = e.data || {};
    if (m.cmd === "init") {
        dataUrl = String(m.dataUrl || "");
        loadData();
        return;
    }
    pending.push(m);
    if (loadedOk) drain();
};

function send() {
    if (inFlight || !dirty || Module._aelab_train_has_job() !== 1) return;
    const now = performance.now();
    const view = !running || now - lastView >= kViewIntervalMs;
    const p = Module._aelab_train_take(view ? 1 : 0);
    const n = Module._aelab_train_taken_size();
    const bytes = Module.HEAPU8.slice(p, p + n).buffer;
    if (view) lastView = now;
    inFlight = true;
    dirty = false;
    postMessage({type : "snapshot", bytes : bytes}, [bytes]);
}

const tick = new MessageChannel();
let scheduled = false;
tick.port1.onmessage = function() {
    scheduled = false;
    if (!running) return;
    Module._aelab_train_run(kSliceMs);
    dirty = true;
    running = Module._aelab_train_running() === 1;
    send();
    if (running) schedule();
};
function schedule() {
    if (scheduled) return;
    scheduled = true;
    tick.port2.postMessage(0);
}

try {
    importScripts("aelab-train.js");
} catch (err) {
    fail("the training worker could not load aelab-train.js (" + err.message + ")");
}
