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
    for (var k in attrs || {}) if (attrs[k] != null) e.setAttribute(k, attrs[k]);
    if (text) e.textContent = text;
    return e;
  }
  var n = 0;
  /* One question: a fieldset whose legend is the question, shown once. */
  function field(q, L) {
    var id = "cxl-" + (++n), box = el("fieldset", {"class": "cxl-q"}), opts = [], score = q.min != null;
    var legend = el("legend", {id: id}, q.text);
    if (!q.required) legend.appendChild(el("span", {"class": "cxl-hint"}, " (" + L.optional + ")"));
    box.appendChild(legend);
    if (score) {
      for (var v = q.min; v <= q.max; v++) opts.push({key: String(v), label: String(v)});
    } else if (q.choices) { opts = q.choices; }
    if (!opts.length) {
      box.appendChild(el("textarea", {name: q.key, "aria-labelledby": id, rows: "3", maxlength: "5000"}));
      return box;
    }
    var list = el("div", {"class": score ? "cxl-opts cxl-scale" : "cxl-opts"});
    opts.forEach(function (o, i) {
      var oid = id + "-" + i, lab = el("label", {"for": oid}, o.label);
      /* The end points of a scale say what they mean to a screen reader. */
      var end = score && (i === 0 ? q.low : i === opts.length - 1 ? q.high : "");
      if (end) lab.appendChild(el("span", {"class": "cxl-sr"}, " " + end));
      list.appendChild(el("input", {type: "radio", name: q.key, value: o.key, id: oid}));
      list.appendChild(lab);
    });
    box.appendChild(list);
    if (score && (q.low || q.high)) {
      var a = el("p", {"class": "cxl-anchors", "aria-hidden": "true"});
      a.appendChild(el("span", {}, q.low || ""));
      a.appendChild(el("span", {}, q.high || ""));
      box.appendChild(a);
    }
    return box;
  }
  function value(form, q) {
    var ch = form.querySelector("[name='" + q.key + "']:checked"), t = form.querySelector("textarea[name='" + q.key + "']");
    return ch ? ch.value : t && t.value.trim() ? t.value : null;
  }
  function build(res, container) {
    var L = res.labels, form = el("form", {"class": "cxl-form", novalidate: ""}), fields = [];
    res.questions.forEach(function (q) { var f = field(q, L); fields.push(f); form.appendChild(f); });
    var send = el("button", {type: "submit", "class": "cxl-send"}, L.send);
    var status = el("p", {"class": "cxl-status", role: "status", tabindex: "-1"});
    form.appendChild(send);
    form.appendChild(status);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var out = {}, missing = -1;
      res.questions.forEach(function (q, i) {
        var v = value(form, q);
        if (v !== null) out[q.key] = v; else if (q.required && missing < 0) missing = i;
      });
      if (missing >= 0) {
        status.textContent = L.required || "";
        fields[missing].querySelector("input,textarea").focus();
        return;
      }
      send.disabled = true;
      status.textContent = "";
      post("/api/v1/widget/answer", {token: res.token, answers: out, complete: true}).then(function (r) {
        status.textContent = r.ok ? (r.thank_you || L.thanks) : (r.detail || "");
        if (!r.ok) { send.disabled = false; return; }
        fields.concat([send]).forEach(function (x) { x.hidden = true; });
        status.focus();
      }, function () { send.disabled = false; });
    });
    container.appendChild(form);
    return form;
  }
  var c = "#1d4e89", css = ".cxl-box,.cxl-article{color:#1a1a1a;font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;text-align:left}" +
    ".cxl-dialog{position:fixed;inset:0;background:rgba(0,0,0,.5);display:flex;align-items:center;justify-content:center;z-index:2147483000}" +
    ".cxl-box{position:relative;background:#fff;width:calc(100% - 2rem);max-width:30rem;max-height:100%;overflow:auto;border-radius:.75rem;padding:1.25rem;box-shadow:0 .5rem 2rem rgba(0,0,0,.3)}" +
    "@media (max-width:30rem){.cxl-dialog{align-items:flex-end}.cxl-box{width:100%;border-radius:.75rem .75rem 0 0}}" +
    ".cxl-q{border:0;padding:0;margin:0 0 1rem;min-width:0}.cxl-q legend{font-weight:600;font-size:1.0625rem;line-height:1.35;padding:0;margin-bottom:.75rem}" +
    ".cxl-box .cxl-q:first-child legend{padding-right:2.75rem}.cxl-hint{font-weight:400;color:#444}" +
    ".cxl-opts{display:flex;flex-wrap:wrap;gap:.375rem}.cxl-opts input{position:absolute;opacity:0;width:1px;height:1px;margin:0}" +
    ".cxl-opts label{flex:1 0 auto;min-width:2.75rem;min-height:2.75rem;display:flex;align-items:center;justify-content:center;padding:.375rem .75rem;border:2px solid #595959;border-radius:.375rem;background:#fff;cursor:pointer}" +
    ".cxl-scale{display:grid;grid-template-columns:repeat(auto-fit,minmax(2.25rem,1fr))}.cxl-scale label{min-width:0;padding:.375rem 0}" +
    ".cxl-opts input:checked+label{background:" + c + ";border-color:" + c + ";color:#fff}" +
    ".cxl-opts input:focus-visible+label,.cxl-box button:focus-visible,.cxl-article button:focus-visible,.cxl-q textarea:focus{outline:3px solid #b35900;outline-offset:2px}" +
    ".cxl-anchors{display:flex;justify-content:space-between;gap:1rem;margin:.375rem 0 0;font-size:.875rem;color:#444}" +
    ".cxl-q textarea{box-sizing:border-box;width:100%;font:inherit;padding:.5rem;border:2px solid #595959;border-radius:.375rem}" +
    ".cxl-send{font:inherit;font-weight:600;min-height:2.75rem;padding:.5rem 1.5rem;border:0;border-radius:.375rem;background:" + c + ";color:#fff;cursor:pointer}" +
    ".cxl-close{position:absolute;top:.5rem;right:.5rem;width:2.75rem;height:2.75rem;font:1.5rem/1 sans-serif;border:0;border-radius:.375rem;background:transparent;color:#333;cursor:pointer}.cxl-close:hover{background:#eee}" +
    ".cxl-status{margin:.75rem 0 0;font-weight:600}.cxl-status:empty{display:none}.cxl-status:focus{outline:0}" +
    ".cxl-sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}" +
    ".cxl-article{margin:2rem 0 0;padding:1rem;border:1px solid #d0d0cc;border-radius:.5rem}";
  function style() {
    if (d.getElementById("cxl-style")) return;
    var s = el("style", {id: "cxl-style"}); s.textContent = css; d.head.appendChild(s);
  }
  function dialog(res) {
    style();
    var back = el("div", {"class": "cxl-dialog"}), before = d.activeElement;
    var box = el("div", {"class": "cxl-box", role: "dialog", "aria-modal": "true", lang: res.lang});
    var close = el("button", {type: "button", "class": "cxl-close", "aria-label": res.labels.close}, "\u00d7");
    build(res, box);
    box.setAttribute("aria-labelledby", box.querySelector("legend").id);
    box.appendChild(close);
    back.appendChild(box); d.body.appendChild(back);
    function shut() { back.remove(); d.removeEventListener("keydown", key, true); if (before && before.focus) before.focus(); }
    function key(e) {
      if (e.key === "Escape") { e.preventDefault(); shut(); return; }
      if (e.key !== "Tab") return;
      var f = Array.prototype.filter.call(box.querySelectorAll("button,input,textarea"), function (x) {
        return !x.disabled && x.getClientRects().length && (x.type !== "radio" || x.checked || !box.querySelector("[name='" + x.name + "']:checked"));
      });
      var first = f[0], last = f[f.length - 1], at = d.activeElement;
      if (!box.contains(at) || (e.shiftKey ? at === first : at === last)) {
        e.preventDefault(); (e.shiftKey ? last : first).focus();
      }
    }
    close.addEventListener("click", shut);
    back.addEventListener("click", function (e) { if (e.target === back) shut(); });
    d.addEventListener("keydown", key, true);
    box.querySelector("input,textarea").focus();
  }
  function call(cmd, opts) {
    opts = opts || {};
    /* customer counts only with the site's signature of it (issued_at: Unix seconds). */
    var req = {survey: opts.survey, event: opts.event || (cmd === "article" ? "article.view" : ""), customer: opts.customer,
      issued_at: opts.issued_at != null ? Number(opts.issued_at) : null, signature: opts.signature,
      lang: opts.lang || d.documentElement.lang, hidden: opts.hidden || {}, mode: cmd === "article" ? "article" : "show"};
    return post("/api/v1/widget/decide", req).then(function (res) {
      if (!res.show) return res;
      if (cmd === "article") {
        style();
        var target = typeof opts.target === "string" ? d.querySelector(opts.target) : (opts.target || d.body);
        var sec = el("section", {"class": "cxl-article", "aria-label": res.questions[0].text, lang: res.lang});
        build(res, sec); target.appendChild(sec);
      } else { dialog(res); }
      return res;
    });
  }
  var queued = (w.cxlens && w.cxlens.q) || [];
  w.cxlens = call;
  queued.forEach(function (a) { call(a[0], a[1]); });
})(window, document);
