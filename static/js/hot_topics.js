// Monthly hot topic: the trend of the city's top problems over the last months (ECharts).
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("hot-trend");
  const data = JSON.parse(document.getElementById("hot-data").textContent);
  if (!el || !data.months) return;
  const chart = echarts.init(el);
  chart.setOption({
    grid: { left: 50, right: 20, top: 40, bottom: 30 },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: data.series.map((s) => ({ name: s.name, type: "line", data: s.data, label: { show: true } })),
  });
  el.dataset.ready = "1";
  window.addEventListener("resize", () => chart.resize());
});
