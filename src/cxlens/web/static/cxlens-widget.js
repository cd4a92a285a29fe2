/* cxlens on-site widget: cxlens("show", {...}) or cxlens("article", {...}). No framework. */
(function (w, d) {
  "use strict";
  var base = (d.currentScript && d.currentScript.src || "").replace(/\/widget\/cxlens-widget\.js.*$/, "");
  function post(path, data) {
    return fetch((w.cxlensBase || base) + path, {
      method: "POST", headers: {"Content-Type": "text/plain"}, body: JSON.stringify(data)
    }).then(function (r) { return r.json(); });
  }
  function el(tag, attrs, text) {
    var e = d.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }
  var n = 0;
  function field(q, labels) {
    var id = "cxl-" + (++n), box = el("fieldset", {"class": "cxl-q"});
    box.appendChild(el("legend", {id: id}, q.text + (q.required ? "" : " (" + labels.optional + ")")));
    var opts = [];
    if (q.min !== undefined && q.min !== null) {
      for (var v = q.min; v <= q.max; v++) opts.push({key: String(v), label: String(v)});
    } else if (q.choices) { opts = q.choices; }
    if (!opts.length) {
      var t = el("textarea", {name: q.key, "aria-labelledby": id, rows: "3"});
      box.appendChild(t);
      return box;
    }
    opts.forEach(function (o, i) {
      var oid = id + "-" + i, lab = el("label", {"for": oid}, o.label);
      box.appendChild(el("input", {type: "radio", name: q.key, value: o.key, id: oid}));
      box.appendChild(lab);
    });
    if (q.low || q.high) box.appendChild(el("p", {"class": "cxl-anchors"}, q.min + " = " + (q.low || "") + " · " + q.max + " = " + (q.high || "")));
    return box;
  }
  function values(form, questions) {
    var out = {};
    questions.forEach(function (q) {
      var ch = form.querySelector("[name='" + q.key + "']:checked"), t = form.querySelector("textarea[name='" + q.key + "']");
      if (ch) out[q.key] = ch.value; else if (t && t.value.trim()) out[q.key] = t.value;
    });
    return out;
  }
  function build(res, container, modal) {
    var L = res.labels, form = el("form", {"class": "cxl-form"});
    res.questions.forEach(function (q) { form.appendChild(field(q, L)); });
    var send = el("button", {type: "submit"}, L.send);
    form.appendChild(send);
    var status = el("p", {role: "status", "aria-live": "polite"});
    form.appendChild(status);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      send.disabled = true;
      post("/api/v1/widget/answer", {token: res.token, answers: values(form, res.questions), complete: true})
        .then(function (r) {
          status.textContent = r.ok ? (r.thank_you || L.thanks) : r.error;
          if (r.ok) Array.prototype.forEach.call(form.querySelectorAll("fieldset,button[type=submit]"), function (x) { x.hidden = true; });
          else send.disabled = false;
        });
    });
    container.appendChild(form);
    return form;
  }
  var css = ".cxl-dialog{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:center;justify-content:center;z-index:2147483000}" +
    ".cxl-box{background:#fff;color:#1a1a1a;max-width:32rem;width:calc(100% - 2rem);border-radius:.5rem;padding:1rem;font:16px/1.5 system-ui,sans-serif}" +
    ".cxl-q{border:0;padding:0;margin:0 0 .75rem}.cxl-q legend{font-weight:600;margin-bottom:.5rem}" +
    ".cxl-q input{position:absolute;opacity:0;width:1px;height:1px}.cxl-q label{display:inline-block;min-width:2.5rem;padding:.4rem .6rem;margin:0 .25rem .25rem 0;border:2px solid #555;border-radius:.3rem;text-align:center;cursor:pointer}" +
    ".cxl-q input:checked+label{background:#1d4e89;border-color:#1d4e89;color:#fff}.cxl-q input:focus-visible+label{outline:3px solid #b35900}" +
    ".cxl-q textarea{width:100%;font:inherit}.cxl-form button,.cxl-close{font:inherit;padding:.4rem 1rem;border:0;border-radius:.3rem;background:#1d4e89;color:#fff;cursor:pointer}" +
    ".cxl-close{float:right;background:#444}.cxl-anchors{font-size:.875rem;color:#444}";
  function style() {
    if (d.getElementById("cxl-style")) return;
    var s = el("style", {id: "cxl-style"}); s.textContent = css; d.head.appendChild(s);
  }
  function dialog(res) {
    style();
    var back = el("div", {"class": "cxl-dialog"}), box = el("div", {"class": "cxl-box", role: "dialog", "aria-modal": "true", "aria-labelledby": "cxl-title"});
    var before = d.activeElement, close = el("button", {type: "button", "class": "cxl-close"}, L(res).close);
    box.appendChild(close);
    box.appendChild(el("h2", {id: "cxl-title", style: "font-size:1.125rem;margin:0 0 .75rem"}, res.questions[0].text));
    res.questions[0] = Object.assign({}, res.questions[0]);
    build(res, box, true);
    box.querySelector("legend").setAttribute("class", "cxl-sr");
    back.appendChild(box); d.body.appendChild(back);
    function shut() { back.remove(); d.removeEventListener("keydown", key, true); if (before && before.focus) before.focus(); }
    function key(e) {
      if (e.key === "Escape") { e.preventDefault(); shut(); return; }
      if (e.key !== "Tab") return;
      var f = Array.prototype.filter.call(box.querySelectorAll("button,input,textarea,[tabindex]"), function (x) { return !x.disabled && x.offsetParent !== null || x.type === "radio"; });
      if (!f.length) return;
      var first = f[0], last = f[f.length - 1];
      if (e.shiftKey && d.activeElement === first) { e.preventDefault(); last.focus(); }
      else if (!e.shiftKey && d.activeElement === last) { e.preventDefault(); first.focus(); }
    }
    close.addEventListener("click", shut);
    d.addEventListener("keydown", key, true);
    (box.querySelector("input,textarea") || close).focus();
  }
  function L(res) { return res.labels; }
  function call(cmd, opts) {
    opts = opts || {};
    var req = {survey: opts.survey, event: opts.event || (cmd === "article" ? "article.view" : ""), customer: opts.customer,
      lang: opts.lang || d.documentElement.lang, hidden: opts.hidden || {}, mode: cmd === "article" ? "article" : "show"};
    return post("/api/v1/widget/decide", req).then(function (res) {
      if (!res.show) return res;
      if (cmd === "article") {
        style();
        var target = typeof opts.target === "string" ? d.querySelector(opts.target) : (opts.target || d.body);
        var sec = el("section", {"class": "cxl-article", "aria-label": res.questions[0].text});
        build(res, sec, false); target.appendChild(sec);
      } else { dialog(res); }
      return res;
    });
  }
  var queued = (w.cxlens && w.cxlens.q) || [];
  w.cxlens = call;
  queued.forEach(function (a) { call(a[0], a[1]); });
})(window, document);
