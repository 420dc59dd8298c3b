// Mediation figures on the console's rights statistics page (ECharts); data from json_script.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("rights-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const charts = [];
  const monthly = document.getElementById("rights-monthly");
  if (monthly) {
    const chart = echarts.init(monthly);
    chart.setOption({
      legend: { top: 0 },
      grid: { left: 50, right: 30, top: 40, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.monthly.map((m) => m.month) },
      yAxis: { type: "value" },
      series: [
        { name: monthly.dataset.disputes, type: "bar", data: data.monthly.map((m) => m.disputes), itemStyle: { color: "#c8161d" } },
        { name: monthly.dataset.agreements, type: "line", data: data.monthly.map((m) => m.agreements), itemStyle: { color: "#1a7f37" } },
        { name: monthly.dataset.referred, type: "line", data: data.monthly.map((m) => m.referred), itemStyle: { color: "#f5a623" } },
      ],
    });
    monthly.dataset.ready = "1";
    charts.push(chart);
  }
  const children = document.getElementById("rights-children");
  if (children && data.children.length) {
    children.style.height = Math.max(240, 26 * data.children.length + 80) + "px";
    const chart = echarts.init(children);
    chart.setOption({
      grid: { left: 130, right: 40, top: 20, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: data.children.map((c) => c.org), inverse: true },
      series: [{ name: children.dataset.disputes, type: "bar", data: data.children.map((c) => c.disputes), itemStyle: { color: "#c8161d" } }],
    });
    children.dataset.ready = "1";
    charts.push(chart);
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
});
