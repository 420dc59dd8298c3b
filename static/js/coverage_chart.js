// Bar chart of paired-contact coverage per district (data from the page's json_script).
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("coverage-chart");
  const data = JSON.parse(document.getElementById("coverage-data").textContent);
  const chart = echarts.init(el);
  chart.setOption({
    grid: { left: 90, right: 30, top: 10, bottom: 30 },
    tooltip: { trigger: "axis", valueFormatter: (v) => v + "%" },
    xAxis: { type: "value", max: 100, name: el.dataset.label },
    yAxis: { type: "category", data: data.names, inverse: true },
    series: [{ type: "bar", data: data.rates, label: { show: true, position: "right", formatter: "{c}%" } }],
  });
  window.addEventListener("resize", () => chart.resize());
});
