// District map drawn from the real boundaries: no tile server needed.
// ECharts (1 MB) is fetched after the page is interactive, so that parsing it does not
// hold back DOMContentLoaded and with it htmx (a tap on the org tree would be lost).
document.addEventListener("DOMContentLoaded", async () => {
  const el = document.getElementById("district-map");
  const [geo, echarts] = await Promise.all([
    fetch(el.dataset.src, { credentials: "same-origin" }).then((r) => r.json()),
    gonghui.echarts(),
  ]);
  const esc = gonghui.escapeHtml;
  echarts.registerMap("districts", geo);
  const values = geo.features.map((f) => ({ name: f.properties.name, value: f.properties.value, id: f.properties.id }));
  const max = Math.max(1, ...values.map((v) => v.value));
  const chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "item", formatter: (p) => `${esc(p.name)}<br>${esc(el.dataset.label)}: ${esc(p.value ?? 0)}` },
    visualMap: { min: 0, max, left: 10, bottom: 10, calculable: true, inRange: { color: ["#fde7e3", "#c8161d"] } },
    series: [{ type: "map", map: "districts", roam: true, data: values, label: { show: true, fontSize: 10 } }],
  });
  chart.on("click", (p) => { if (p.data) location.href = el.dataset.detail.replace("/0/", `/${p.data.id}/`); });
  el.dataset.ready = "1";
  window.addEventListener("resize", () => chart.resize());
});
