// aelab page script: what the canvas cannot do for itself.
//  - The text view: the lesson as HTML (headings, paragraphs, tables, described images and real
//    controls) built from the document the wasm module captures (lessons/kit/a11y.hpp). Screen
//    readers read it; its controls act on the lesson through the same path as keyboard input.
//  - Live regions: step changes, training progress and errors, spoken as they happen.
//  - Leaving the canvas with Escape; the "Text view" toggle.
//  - The embedding API for course pages (postMessage), see README "Embedding a lesson".
"use strict";
(function () {
  var tv = document.getElementById("textview");
  var body = document.getElementById("textview-body");
  var polite = document.getElementById("live-polite");
  var urgent = document.getElementById("live-alert");
  var canvas = document.getElementById("canvas");
  var toggle = document.getElementById("textview-toggle");
  var params = new URLSearchParams(window.location.search);
  var elements = {};  // key -> element, reused between documents so focus and typing survive
  var lastDoc = null;

  function call(name, types, args) {
    if (window.Module && Module.ccall) return Module.ccall(name, types[0], types.slice(1), args);
  }
  function press(id) { call("aelab_press", [null, "number"], [id]); }
  function setValue(id, text) { call("aelab_set_value", [null, "number", "string"], [id, String(text)]); }

  // --- The text view -----------------------------------------------------------------------------
  function el(tag, cls) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    return e;
  }

  function tableFor(node) {
    var t = el("table");
    var cap = el("caption");
    cap.textContent = node.l;
    t.appendChild(cap);
    var rows = node.t || [];
    var thead = el("thead"), hr = el("tr"), corner = el("td");
    hr.appendChild(corner);
    var cols = rows.length ? rows[0].length : 0;
    for (var c = 0; c < cols; c++) {
      var th = el("th");
      th.scope = "col";
      th.textContent = "col " + c;
      hr.appendChild(th);
    }
    thead.appendChild(hr);
    t.appendChild(thead);
    var tb = el("tbody");
    rows.forEach(function (row, r) {
      var tr = el("tr"), th = el("th");
      th.scope = "row";
      th.textContent = "row " + r;
      tr.appendChild(th);
      row.forEach(function (cell) {
        var td = el("td");
        td.textContent = cell;
        tr.appendChild(td);
      });
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    return t;
  }

  // A control: built once per id, then only its state is updated.
  function controlFor(node) {
    var wrap, input;
    switch (node.r) {
      case "checkbox":
      case "radio":
        wrap = el("label", "tv-check");
        input = el("input");
        input.type = node.r;
        if (node.r === "radio") input.name = "r" + node.id;
        input.addEventListener("change", function () { press(node.id); });
        wrap.appendChild(input);
        wrap.appendChild(document.createTextNode(" "));
        wrap.appendChild(el("span", "tv-name"));
        return { wrap: wrap, input: input };
      case "value":
        wrap = el("label", "tv-value");
        wrap.appendChild(el("span", "tv-name"));
        wrap.appendChild(document.createTextNode(" "));
        input = el("input");
        input.type = "text";
        input.setAttribute("inputmode", "decimal");
        input.setAttribute("enterkeyhint", "done");
        input.addEventListener("change", function () { setValue(node.id, input.value); });
        wrap.appendChild(input);
        return { wrap: wrap, input: input };
      default:  // button, disclosure, combo
        input = el("button", "tv-button");
        input.type = "button";
        input.addEventListener("click", function () { press(node.id); });
        if (node.r === "combo") input.setAttribute("aria-haspopup", "listbox");
        return { wrap: input, input: input };
    }
  }

  function updateControl(c, node) {
    var name = node.l;
    if (node.r === "combo") name = node.l + ": " + (node.v || "");
    if (c.wrap !== c.input) c.wrap.querySelector(".tv-name").textContent = name;
    else if (c.input.textContent !== name) c.input.textContent = name;
    c.input.disabled = !!node.d;
    if (node.r === "checkbox" || node.r === "radio") c.input.checked = !!node.c;
    if (node.r === "disclosure" || node.r === "combo") c.input.setAttribute("aria-expanded", node.c ? "true" : "false");
    if (node.r === "value" && document.activeElement !== c.input && c.input.value !== (node.v || "")) c.input.value = node.v || "";
  }

  function render(doc) {
    if (!lastDoc) body.textContent = "";  // the "Loading" placeholder
    var focusAt = focusedIndex();
    var seen = {};
    var order = [];
    var textIndex = 0;
    doc.nodes.forEach(function (node) {
      var key, e;
      if (node.id) {
        key = node.r + ":" + node.id + ":" + (node.lv || 0);
        var c = elements[key];
        if (!c) {
          c = controlFor(node);
          if (node.lv) {
            var h = el("h" + Math.min(6, node.lv));
            h.appendChild(c.wrap);
            c.outer = h;
          } else {
            c.outer = el("div", "tv-control");
            c.outer.appendChild(c.wrap);
          }
          elements[key] = c;
        }
        updateControl(c, node);
        e = c.outer;
      } else {
        key = "n" + (textIndex++) + ":" + node.r + ":" + (node.lv || 0);
        var sig = JSON.stringify(node);
        var old = elements[key];
        if (!old || old.sig !== sig) {
          var x;
          if (node.r === "heading") x = el("h" + Math.min(6, node.lv || 2));
          else if (node.r === "table") x = tableFor(node);
          else x = el("p", "tv-" + node.r);
          if (node.r === "heading" || node.r === "text") x.textContent = node.l;
          else if (node.r === "image") x.textContent = "Image: " + node.l;
          else if (node.r === "plot") x.textContent = "Plot: " + node.l + (node.v ? ". " + node.v : "");
          else if (node.r === "alert") { x.setAttribute("role", "alert"); x.textContent = node.l; }
          if (old && old.outer.parentNode) old.outer.parentNode.replaceChild(x, old.outer);
          old = elements[key] = { outer: x, sig: sig };
        }
        e = old.outer;
      }
      seen[key] = true;
      order.push(e);
    });
    for (var k in elements)
      if (!seen[k]) {
        var gone = elements[k].outer;
        if (gone && gone.parentNode) gone.parentNode.removeChild(gone);
        delete elements[k];
      }
    // Put the elements in document order, moving only those out of place (moving the focused
    // element would drop the focus).
    var at = body.firstChild;
    order.forEach(function (e) {
      if (at === e) { at = e.nextSibling; return; }
      body.insertBefore(e, at);
    });
    refocus(focusAt);
  }

  // A control that changes its name ("Start training" becomes "Pause training") is a new element:
  // when the focused one goes, the focus moves to the control that took its place, not to <body>.
  function focusedIndex() {
    var a = document.activeElement;
    if (!a || a === body || !body.contains(a)) return null;
    while (a.parentNode !== body) a = a.parentNode;
    return { el: document.activeElement, index: Array.prototype.indexOf.call(body.children, a) };
  }
  function refocus(was) {
    if (!was || body.contains(was.el) || (document.activeElement && document.activeElement !== document.body)) return;
    var next = body.children[was.index];
    var control = next && next.querySelector("button, input");
    if (control && !control.disabled) control.focus();
  }

  // --- Live regions ----------------------------------------------------------------------------------
  var politeTimer = null;
  function announce(message, isUrgent) {
    var region = isUrgent ? urgent : polite;
    region.textContent = "";
    if (politeTimer && !isUrgent) clearTimeout(politeTimer);
    var t = setTimeout(function () { region.textContent = message; }, 50);  // a change, even for the same words
    if (!isUrgent) politeTimer = t;
    window.aelabAnnouncements = (window.aelabAnnouncements || []).concat([{ message: message, urgent: isUrgent }]).slice(-50);
    embed.post({ type: isUrgent ? "error" : "announce", message: message });
  }

  // --- Text view toggle (visible panel, or visually hidden for screen readers only) ------------------
  function showTextView(on) {
    document.body.classList.toggle("textview-visible", on);
    toggle.setAttribute("aria-pressed", on ? "true" : "false");
    window.dispatchEvent(new Event("resize"));  // SDL follows the canvas's new size
  }
  toggle.addEventListener("click", function () {
    showTextView(toggle.getAttribute("aria-pressed") !== "true");
  });
  if (params.get("textview") === "show") showTextView(true);
  if ((params.get("hide") || "").split(",").indexOf("textview") >= 0) toggle.hidden = true;

  // --- Keyboard: Escape leaves the canvas (no keyboard trap inside a course page's iframe) ---------
  window.addEventListener("keydown", function (e) {
    if (document.activeElement !== canvas || e.key !== "Escape") return;
    if (call("aelab_can_leave", ["number"], []) !== 1) return;  // ImGui closes its popup first
    e.stopImmediatePropagation();
    e.preventDefault();
    toggle.focus();
  }, true);
  canvas.addEventListener("mousedown", function () { canvas.focus(); });
  canvas.addEventListener("touchstart", function () { canvas.focus(); }, { passive: true });

  // --- The embedding API (course pages) -------------------------------------------------------------
  var embed = {
    parent: window.parent !== window ? window.parent : null,
    post: function (msg) {
      if (!this.parent) return;
      msg.source = "aelab";
      try { this.parent.postMessage(msg, "*"); } catch (err) { /* a closed parent */ }
    }
  };

  // A course page talks to the lesson in its iframe:
  //   lesson -> page: {source: "aelab", type: "ready" | "state" | "announce" | "error", ...}
  //   page -> lesson: {type: "set", params: {key: value}, section: N, step: "next" | "previous" |
  //                    "first" | "last", train: "start" | "pause" | "reset"}, {type: "get"}
  // "state" is sent when anything in it changes (at most 5 times a second) and after "get".
  function controlNamed(names) {
    if (!lastDoc) return 0;
    for (var i = 0; i < names.length; i++)
      for (var j = 0; j < lastDoc.nodes.length; j++) {
        var n = lastDoc.nodes[j];
        if (n.id && n.l === names[i] && !n.d) return n.id;
      }
    return 0;
  }
  function currentState() {
    var st = (window.Module && Module.aelabState) || {};
    var p = {};
    new URLSearchParams(window.location.search).forEach(function (v, k) { p[k] = v; });
    var step = null;
    if (lastDoc)
      for (var j = 0; j < lastDoc.nodes.length && step === null; j++) {
        var m = /^step (\d+) \/ (\d+)/.exec(lastDoc.nodes[j].l);
        if (lastDoc.nodes[j].r === "text" && m) step = { step: +m[1], of: +m[2], text: lastDoc.nodes[j].l };
      }
    var headings = [];
    if (lastDoc) lastDoc.nodes.forEach(function (n) { if (n.lv === 2) headings.push({ title: n.l, open: !!n.c }); });
    return { type: "state", lesson: st.lesson || "", section: p.section ? +p.section : null, sections: headings,
             step: step, params: p, training: st.status || {}, message: st.message || "" };
  }
  var lastPosted = "", readySent = false;
  setInterval(function () {
    if (!embed.parent || !window.Module || !Module.aelabState || !lastDoc) return;
    if (!readySent) {
      readySent = true;
      embed.post({ type: "ready", lesson: Module.aelabState.lesson, lessons: Module.aelabState.lessons });
    }
    var s = currentState(), j = JSON.stringify(s);
    if (j !== lastPosted) { lastPosted = j; embed.post(s); }
  }, 200);
  window.addEventListener("message", function (e) {
    if (!embed.parent || e.source !== embed.parent) return;  // only the page around us
    var m = e.data;
    if (!m || typeof m !== "object") return;
    try {
      if (m.type === "get") { lastPosted = ""; return; }
      if (m.type !== "set") return;
      var lines = [];
      if (m.params && typeof m.params === "object")
        Object.keys(m.params).forEach(function (k) {
          var v = String(m.params[k]);
          if (/^[A-Za-z0-9_-]{1,40}$/.test(k) && v.indexOf("\n") < 0) lines.push(k + "=" + v);
        });
      if (m.section !== undefined) lines.push("section=" + (parseInt(m.section, 10) || 0));
      if (lines.length) call("aelab_set_params", [null, "string"], [lines.join("\n")]);
      var steps = { next: ["Next step"], previous: ["Previous step"], first: ["First step"], last: ["Last step"] };
      var trains = { start: ["Start training", "Resume training"], pause: ["Pause training"], reset: ["Reset training"] };
      var names = (m.step && steps[m.step]) || (m.train && trains[m.train]);
      if (names) {
        var id = controlNamed(names);
        if (id) press(id);
        else embed.post({ type: "error", message: "this lesson has no control for " + JSON.stringify(m.step || m.train) + " now" });
      }
    } catch (err) {
      embed.post({ type: "error", message: String(err && err.message || err) });
    }
  });

  window.aelabUI = {
    textView: function (json) {
      var doc;
      try { doc = JSON.parse(json); } catch (err) { return; }
      render(doc);
      lastDoc = doc;
      var h1 = doc.nodes.filter(function (n) { return n.r === "heading" && n.lv === 1; })[0];
      if (h1) {  // the tab's title names the lesson (WCAG 2.4.2)
        var title = h1.l + " - aelab";
        if (document.title !== title) document.title = title;
      }
    },
    announce: announce,
    document: function () { return lastDoc; },
    press: press,
    setValue: setValue,
    embed: embed
  };
})();
