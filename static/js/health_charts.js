// Health-check coverage charts (ECharts) on /console/rights/health-checks/coverage/;
// data from json_script. No custom formatters: ECharts' default tooltip escapes names.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("hc-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const charts = [];
  const size = document.getElementById("hc-size");
  if (size) {
    const chart = echarts.init(size);
    chart.setOption({
      grid: { left: 50, right: 30, top: 20, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.by_size.map((r) => r.label) },
      yAxis: { type: "value" },
      series: [{ name: size.dataset.label, type: "bar", data: data.by_size.map((r) => r.count), itemStyle: { color: "#c8161d" } }],
    });
    size.dataset.ready = "1";
    charts.push(chart);
  }
  const children = document.getElementById("hc-children");
  if (children && data.children.length) {
    children.style.height = Math.max(240, 26 * data.children.length + 80) + "px";
    const chart = echarts.init(children);
    chart.setOption({
      legend: { top: 0 },
      grid: { left: 130, right: 40, top: 30, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.children.map((c) => c.org), inverse: true },
      series: [
        { name: children.dataset.checks, type: "bar", data: data.children.map((c) => c.checks), itemStyle: { color: "#c8161d" } },
        { name: children.dataset.open, type: "bar", data: data.children.map((c) => c.findings_open), itemStyle: { color: "#f5a623" } },
      ],
    });
    children.dataset.ready = "1";
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
});
