// Supervisor dashboard: ranking bars, the score trend and the district map (ECharts).
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const charts = [];
  const esc = gonghui.escapeHtml;

  document.querySelectorAll(".ranking-chart").forEach((el) => {
    const rows = data[el.dataset.key];
    el.style.height = Math.max(200, 28 * rows.names.length + 60) + "px";
    const chart = echarts.init(el);
    chart.setOption({
      grid: { left: 120, right: 50, top: 10, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", min: 0, max: 100, name: el.dataset.label },
      yAxis: { type: "category", data: rows.names, inverse: true },
      series: [{ type: "bar", data: rows.scores, itemStyle: { color: "#c8161d" }, label: { show: true, position: "right" } }],
    });
    el.dataset.ready = "1";
    charts.push(chart);
  });

  const trendEl = document.getElementById("trend-chart");
  if (trendEl) {
    const chart = echarts.init(trendEl);
    chart.setOption({
      grid: { left: 50, right: 30, top: 20, bottom: 30 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.trend.months },
      yAxis: { type: "value", min: 0, max: 100, name: trendEl.dataset.label },
      series: [{ type: "line", data: data.trend.scores, connectNulls: false, itemStyle: { color: "#c8161d" }, label: { show: true } }],
    });
    trendEl.dataset.ready = "1";
    charts.push(chart);
  }

  const mapEl = document.getElementById("score-map");
  if (mapEl) {
    fetch(mapEl.dataset.src, { credentials: "same-origin" })
      .then((response) => response.json())
      .then((geo) => {
        echarts.registerMap("appeal-districts", geo);
        const values = geo.features.map((f) => ({ name: f.properties.name, value: f.properties.value, id: f.properties.id }));
        const chart = echarts.init(mapEl);
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: (p) => `${esc(p.name)}<br>${esc(mapEl.dataset.label)}: ${esc(p.value == null || Number.isNaN(p.value) ? mapEl.dataset.none : p.value)}`,
          },
          visualMap: { min: 0, max: 100, left: 10, bottom: 10, calculable: true, inRange: { color: ["#fde7e3", "#c8161d"] } },
          series: [{ type: "map", map: "appeal-districts", roam: true, data: values, label: { show: true, fontSize: 10 }, itemStyle: { areaColor: "#eef1f5" } }],
        });
        mapEl.dataset.ready = "1";
        charts.push(chart);
      });
  }

  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
});
