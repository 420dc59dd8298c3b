// Shared by every page (loaded first by base.html), exposed as window.gonghui:
// - escapeHtml: ECharts tooltip formatters return HTML, so every name in them (stations,
//   orgs, tasks: typed by people) goes through it; nothing else builds HTML from strings.
// - loadScript / echarts: fetch a script on demand (ECharts is 1 MB; pages load it only
//   when they draw a chart or map, from the cache-busted URL on <body data-echarts>).
// - [data-autosubmit] on a select submits its form on change, [data-tree-toggle] opens and
//   closes the list beside it (the org tree; htmx fills it), [data-print] prints the page.
//   No inline onchange=, onclick= or javascript: links: the Content-Security-Policy allows
//   no inline script.
(function () {
  "use strict";
  const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  function escapeHtml(value) {
    return String(value ?? "").replace(/[&<>"']/g, (c) => ESCAPES[c]);
  }

  const scripts = {};
  function loadScript(src) {
    if (!scripts[src]) {
      scripts[src] = new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = () => {
          delete scripts[src]; // a later call may try again (a phone back in coverage)
          s.remove();
          reject(new Error(`could not load ${src}`));
        };
        document.head.appendChild(s);
      });
    }
    return scripts[src];
  }

  function echarts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    return loadScript(document.body.dataset.echarts).then(() => window.echarts);
  }

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) el.form.submit();
  });

  document.addEventListener("click", (event) => {
    if (!event.target.closest) return;
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    const button = event.target.closest("[data-tree-toggle]");
    if (!button) return;
    button.classList.toggle("open");
    const list = button.parentElement.querySelector("ul");
    if (list) list.hidden = !button.classList.contains("open");
  });

  window.gonghui = { escapeHtml, loadScript, echarts };
})();
