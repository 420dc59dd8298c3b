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
      byOrg.style.height = Math.max(260, 26 * data.labels.length + 80) + "px";
      const chart = echarts.init(byOrg);
      const names = JSON.parse(byOrg.dataset.names);
      chart.setOption({
        legend: { top: 0 },
        grid: { left: 130, right: 40, top: 40, bottom: 30 },
        tooltip: { trigger: "axis" },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: data.labels, inverse: true },
        series: Object.keys(names).map((key) => ({ name: names[key], type: "bar", data: data.series[key] })),
      });
      byOrg.dataset.ready = "1";
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
