// Survey results: one ECharts bar chart per counted question. Labels are user text
// (from the XLSForm), so every formatter escapes them; suppressed cells (null) show as
// "fewer than 5" and are drawn as empty.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("survey-charts");
  const source = document.getElementById("survey-results");
  if (!holder || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const hidden = holder.dataset.suppressed || "<5";
  const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const charts = [];
  data.questions.forEach((q) => {
    const names = Object.keys(q.counts);
    if (!names.length) return;
    const title = document.createElement("h3");
    title.textContent = q.label || q.name;
    const el = document.createElement("div");
    el.className = "survey-chart";
    el.dataset.question = q.name;
    holder.append(title, el);
    const chart = echarts.init(el);
    if (q.type === "matrix") {
      // A heat map: rows of the matrix by its options; suppressed cells stay blank.
      const rowNames = Object.keys(q.rows || {});
      const colNames = Object.keys(q.choices || {});
      const cells = [];
      names.forEach((key) => {
        const [r, c] = key.split("=");
        const x = colNames.indexOf(c), y = rowNames.indexOf(r);
        if (x >= 0 && y >= 0) cells.push([x, y, q.counts[key]]);
      });
      const values = cells.map((c) => c[2]).filter((v) => v !== null);
      el.style.height = `${Math.max(200, 40 * rowNames.length + 80)}px`;
      chart.resize();
      chart.setOption({
        grid: { left: 110, right: 30, top: 10, bottom: 60 },
        tooltip: {
          formatter: (p) => `${escape(q.rows[rowNames[p.value[1]]])} · ${escape(q.choices[colNames[p.value[0]]])}：${p.value[2] === "-" ? escape(hidden) : p.value[2]}`,
        },
        xAxis: { type: "category", data: colNames.map((c) => q.choices[c]), axisLabel: { formatter: (v) => escape(v).slice(0, 20) } },
        yAxis: { type: "category", data: rowNames.map((r) => q.rows[r]), axisLabel: { formatter: (v) => escape(v).slice(0, 30) } },
        visualMap: { min: 0, max: Math.max(1, ...values), calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: 80 },
        series: [{ type: "heatmap", data: cells.map((c) => [c[0], c[1], c[2] === null ? "-" : c[2]]), label: { show: true, formatter: (p) => (p.value[2] === "-" ? escape(hidden) : p.value[2]) } }],
      });
      charts.push(chart);
      return;
    }
    const labels = names.map((n) => (q.choices && q.choices[n]) || n);
    chart.setOption({
      grid: { left: 110, right: 30, top: 10, bottom: 30 },
      tooltip: {
        trigger: "item",
        formatter: (p) => `${escape(p.name)}：${p.value === null || p.value === undefined ? escape(hidden) : p.value}`,
      },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, axisLabel: { formatter: (v) => escape(v).slice(0, 40) } },
      series: [{
        type: "bar",
        data: names.map((n) => q.counts[n]),
        label: { show: true, position: "right", formatter: (p) => (p.value === null || p.value === undefined ? escape(hidden) : p.value) },
      }],
    });
    charts.push(chart);
  });
  holder.dataset.ready = String(charts.length);
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
});
