// Station console charts: usage of one station, and the coverage page (ECharts).
document.addEventListener("DOMContentLoaded", () => {
  const charts = [];
  const esc = gonghui.escapeHtml;
  const bar = (el, names, values, label, color = "#c8161d") => {
    const chart = echarts.init(el);
    chart.setOption({
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: names, axisLabel: { rotate: names.length > 8 ? 40 : 0 } },
      yAxis: { type: "value", name: label },
      series: [{ type: "bar", data: values, itemStyle: { color }, label: { show: true, position: "top" } }],
    });
    el.dataset.ready = "1";
    charts.push(chart);
  };

  const usageEl = document.getElementById("usage-chart");
  if (usageEl) {
    const usage = JSON.parse(document.getElementById("usage-data").textContent);
    bar(usageEl, usage.months, usage.counts, usageEl.dataset.label);
  }

  const pageData = document.getElementById("coverage-page-data");
  if (pageData) {
    const data = JSON.parse(pageData.textContent);
    const monthly = document.getElementById("monthly-chart");
    bar(monthly, data.usage.months, data.usage.total, monthly.dataset.label);
    const complained = document.getElementById("complained-chart");
    if (data.complained.names.length) bar(complained, data.complained.names, data.complained.counts, complained.dataset.label, "#a8590b");
    else complained.remove();

    const mapEl = document.getElementById("gap-map");
    fetch(mapEl.dataset.src, { credentials: "same-origin" }).then((r) => r.json()).then((cov) => {
      echarts.registerMap("station-gaps", cov.geo);
      const regions = cov.geo.features.filter((f) => f.properties.gap).map((f) => ({
        name: f.properties.name, itemStyle: { areaColor: "rgba(200,22,29,0.55)", borderColor: "rgba(200,22,29,0.8)" }, label: { show: false },
      }));
      const share = Object.fromEntries(cov.districts.map((d) => [d.name, d]));
      const chart = echarts.init(mapEl);
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) => {
          const d = share[p.name];
          return d ? `${esc(d.name)}<br>${esc(mapEl.dataset.label)}: ${(d.gap_share * 100).toFixed(1)}%` : "";
        } },
        geo: { map: "station-gaps", roam: true, regions, itemStyle: { areaColor: "#eef1f5", borderColor: "#9aa0a6" },
               label: { show: true, fontSize: 10, formatter: (p) => (p.name.startsWith("gap:") ? "" : p.name) } },
        series: [],
      });
      mapEl.dataset.ready = "1";
      mapEl.dataset.gaps = String(regions.length);
      charts.push(chart);

      const names = cov.districts.map((d) => d.name);
      const kindEl = document.getElementById("kind-chart");
      const kinds = Object.keys(data.kinds);
      const kc = echarts.init(kindEl);
      kc.setOption({
        grid: { left: 60, right: 20, top: 40, bottom: 50 },
        tooltip: { trigger: "axis" }, legend: { type: "scroll", top: 0 },
        xAxis: { type: "category", data: names, axisLabel: { rotate: 40 } }, yAxis: { type: "value" },
        series: kinds.map((k) => ({ name: data.kinds[k], type: "bar", stack: "all", data: cov.districts.map((d) => d.counts[k]) })),
      });
      kindEl.dataset.ready = "1";
      charts.push(kc);
      bar(document.getElementById("density-chart"), names, cov.districts.map((d) => d.per_10km2), "");

      const tbody = document.querySelector("#district-table tbody");
      for (const d of cov.districts) {
        const tr = document.createElement("tr");
        for (const v of [d.name, d.area_km2, d.total, d.per_10km2, d.open_warm, d.gap_km2, `${(d.gap_share * 100).toFixed(1)}%`]) {
          const td = document.createElement("td");
          td.textContent = v;
          tr.append(td);
        }
        tbody.append(tr);
      }
    });
  }
  window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
});
