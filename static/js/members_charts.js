// Membership statistics and drive-plan progress charts (ECharts).
document.addEventListener("DOMContentLoaded", () => {
  const charts = [];
  const esc = gonghui.escapeHtml;
  const red = "#c8161d";

  const statsData = document.getElementById("stats-data");
  if (statsData) {
    const data = JSON.parse(statsData.textContent);
    const byOrg = document.getElementById("children-chart");
    if (byOrg && data.labels.length) {
      // Five bars per org: past WINDOW orgs (a district's 44 streets) the chart shows
      // WINDOW at a time with a scroll bar, so the bars keep a readable thickness.
      const WINDOW = 10;
      const shown = Math.min(WINDOW, data.labels.length);
      const scroll = data.labels.length > WINDOW;
      byOrg.style.height = Math.max(260, 64 * shown + 80) + "px";
      const chart = echarts.init(byOrg);
      const names = JSON.parse(byOrg.dataset.names);
      chart.setOption({
        legend: { top: 0 },
        grid: { left: 130, right: scroll ? 60 : 40, top: 40, bottom: 30 },
        tooltip: {
          trigger: "axis",
          formatter: (items) =>
            esc(items[0].name) + "<br>" + items.map((i) => i.marker + esc(i.seriesName) + ": " + esc(i.value)).join("<br>"),
        },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: data.labels, inverse: true },
        dataZoom: scroll
          ? [
              { type: "slider", yAxisIndex: 0, startValue: 0, endValue: WINDOW - 1, right: 10, width: 18, zoomLock: true, showDetail: false, brushSelect: false },
              { type: "inside", yAxisIndex: 0, startValue: 0, endValue: WINDOW - 1, zoomOnMouseWheel: false, moveOnMouseWheel: true },
            ]
          : [],
        series: Object.keys(names).map((key) => ({ name: names[key], type: "bar", data: data.series[key], barMaxWidth: 14 })),
      });
      byOrg.dataset.ready = "1";
      byOrg.dataset.scroll = scroll ? "1" : "0";
      charts.push(chart);
    }
    const monthly = document.getElementById("monthly-chart");
    if (monthly) {
      const chart = echarts.init(monthly);
      chart.setOption({
        legend: { top: 0 },
        grid: { left: 50, right: 30, top: 40, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.monthly.map((m) => m.month) },
        yAxis: { type: "value" },
        series: [
          { name: monthly.dataset.all, type: "line", data: data.monthly.map((m) => m.new_members), itemStyle: { color: red } },
          { name: monthly.dataset.gig, type: "line", data: data.monthly.map((m) => m.gig), itemStyle: { color: "#f5a623" } },
        ],
      });
      monthly.dataset.ready = "1";
      charts.push(chart);
    }
  }

  const drivesData = document.getElementById("drives-data");
  if (drivesData) {
    const plans = JSON.parse(drivesData.textContent);
    document.querySelectorAll(".drive-chart").forEach((el) => {
      const plan = plans[Number(el.dataset.index)];
      el.style.height = Math.max(200, 34 * plan.tasks.length + 60) + "px";
      const chart = echarts.init(el);
      chart.setOption({
        grid: { left: 220, right: 60, top: 10, bottom: 30 },
        tooltip: { formatter: (p) => `${esc(p.name)}<br>${esc(plan.tasks[p.dataIndex].value)} / ${esc(plan.tasks[p.dataIndex].target)}` },
        xAxis: { type: "value", min: 0, max: 100, name: "%" },
        yAxis: { type: "category", data: plan.tasks.map((t) => t.name), inverse: true },
        series: [{ type: "bar", data: plan.tasks.map((t) => t.percent), itemStyle: { color: red }, label: { show: true, position: "right", formatter: "{c}%" } }],
      });
      el.dataset.ready = "1";
      charts.push(chart);
    });
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
});
