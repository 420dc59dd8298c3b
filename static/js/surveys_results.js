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
    const labels = names.map((n) => (q.choices && q.choices[n]) || n);
    const chart = echarts.init(el);
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
