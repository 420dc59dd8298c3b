// 找驿站: locate or take a typed place, filter by need, list and map the nearest stations.
document.addEventListener("DOMContentLoaded", () => {
  const texts = document.getElementById("texts").dataset;
  const places = JSON.parse(document.getElementById("places-data").textContent);
  const amenityLabels = JSON.parse(document.getElementById("amenity-labels").textContent);
  const kindLabels = JSON.parse(document.getElementById("kind-labels").textContent);
  const status = document.getElementById("status");
  const list = document.getElementById("results");
  const mapEl = document.getElementById("station-map");
  const openNow = document.getElementById("open-now");
  const wanted = new Set();
  let origin = null; // {lat, lng, crs} from the phone, or {place} typed
  let chart = null;
  let mapReady = null;

  const fmt = (template, values) => template.replace(/\{(\w+)\}/g, (_m, k) => values[k]);
  const distance = (m) => (m < 1000 ? fmt(texts.meters, { n: m }) : fmt(texts.km, { n: (m / 1000).toFixed(1) }));
  // "今天 22:00", "明天 08:00", "周三 09:00": as people say it, in Beijing time.
  const weekdays = texts.weekdays.split(",");
  const shanghai = (d) => new Date(d.getTime() + (d.getTimezoneOffset() + 480) * 60000);
  const clock = (iso) => {
    const two = (n) => String(n).padStart(2, "0");
    const sh = shanghai(new Date(iso));
    const today = shanghai(new Date());
    const dayOf = (x) => Date.UTC(x.getFullYear(), x.getMonth(), x.getDate()) / 86400000;
    const days = dayOf(sh) - dayOf(today);
    let day = `${sh.getMonth() + 1}-${sh.getDate()}`;
    if (days === 0) day = texts.today;
    else if (days === 1) day = texts.tomorrow;
    else if (days > 1 && days < 7) day = weekdays[sh.getDay()];
    return `${day} ${two(sh.getHours())}:${two(sh.getMinutes())}`;
  };
  const candidates = document.getElementById("candidates");
  const streets = places.filter((p) => p.kind === "street").map((p) => ({ name: p.name, value: [p.lng, p.lat] }));

  // ECharts and the district outlines are fetched only once there is something to map, so
  // the page's first load stays small on a phone (docs/benchmarks.md, page weight).
  function loadMap() {
    if (!mapReady) {
      const geo = fetch(mapEl.dataset.src).then((r) => r.json());
      mapReady = Promise.all([geo, gonghui.echarts()]).then(([outlines, echarts]) => {
        echarts.registerMap("bj-districts", outlines);
        chart = echarts.init(mapEl);
        window.addEventListener("resize", () => chart.resize());
      });
      // Offline for a moment: the list still shows; the next search tries the map again.
      mapReady.catch(() => { mapReady = null; });
    }
    return mapReady;
  }

  function drawMap(data) {
    loadMap().then(() => true, () => false).then((loaded) => {
      if (!loaded) return;
      const points = data.results.map((r) => ({ name: r.name, value: [r.gcj02[1], r.gcj02[0]], id: r.id, open: r.open_now }));
      const you = [data.origin_gcj02[1], data.origin_gcj02[0]];
      chart.setOption({
        tooltip: { trigger: "item", formatter: (p) => gonghui.escapeHtml(p.name) }, // station names are typed by staff
        geo: {
          map: "bj-districts", roam: true, center: you, zoom: 12,
          itemStyle: { areaColor: "#f6f7f9", borderColor: "#b9bfc8" },
          label: { show: true, fontSize: 10, color: "#8a8f98" },
        },
        series: [
          // The streets (乡镇): a point each, their names shown where they do not overlap.
          { type: "scatter", coordinateSystem: "geo", data: streets, symbolSize: 5, silent: true,
            itemStyle: { color: "#b9bfc8" }, labelLayout: { hideOverlap: true },
            label: { show: true, position: "right", fontSize: 10, color: "#6b7280", formatter: "{b}" } },
          { type: "scatter", coordinateSystem: "geo", data: points, symbolSize: 12,
            itemStyle: { color: (p) => (p.data.open ? "#c8161d" : "#9aa0a6") } },
          { type: "effectScatter", coordinateSystem: "geo", data: [{ name: mapEl.dataset.you, value: you }],
            symbolSize: 10, itemStyle: { color: "#1565c0" } },
        ],
      }, true);
      chart.off("click");
      chart.on("click", (p) => { if (p.data && p.data.id) location.href = `/h5/stations/${p.data.id}/`; });
      mapEl.dataset.ready = "1";
      mapEl.dataset.points = String(points.length);
    });
  }

  // Optional raster tiles (Web Mercator) under the points, when a deployment has a tile server.
  const tileEl = document.getElementById("tile-map");
  function drawTiles(data) {
    if (!tileEl) return;
    const crs = tileEl.dataset.crs;
    const zoom = Number(tileEl.dataset.zoom);
    const size = 256 * 2 ** zoom;
    const project = ([lat, lng]) => {
      const s = Math.sin((lat * Math.PI) / 180);
      return [((lng + 180) / 360) * size, (0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)) * size];
    };
    tileEl.hidden = false;
    tileEl.replaceChildren();
    const width = tileEl.clientWidth;
    const height = tileEl.clientHeight;
    const [cx, cy] = project(crs === "wgs84" ? data.origin_wgs84 : data.origin_gcj02);
    const left = cx - width / 2;
    const top = cy - height / 2;
    for (let tx = Math.floor(left / 256); tx <= Math.floor((left + width) / 256); tx++) {
      for (let ty = Math.floor(top / 256); ty <= Math.floor((top + height) / 256); ty++) {
        const img = document.createElement("img");
        img.className = "tile";
        img.alt = "";
        img.src = tileEl.dataset.url.replace("{z}", zoom).replace("{x}", tx).replace("{y}", ty);
        img.style.left = `${tx * 256 - left}px`;
        img.style.top = `${ty * 256 - top}px`;
        tileEl.append(img);
      }
    }
    const dot = (point, cls, title, href) => {
      const [x, y] = project(point);
      const el = document.createElement(href ? "a" : "span");
      el.className = `tile-dot ${cls}`;
      el.title = title;
      if (href) el.href = href;
      el.style.left = `${x - left}px`;
      el.style.top = `${y - top}px`;
      tileEl.append(el);
    };
    for (const r of data.results) dot(crs === "wgs84" ? r.wgs84 : r.gcj02, r.open_now ? "open" : "closed", r.name, `/h5/stations/${r.id}/`);
    dot(crs === "wgs84" ? data.origin_wgs84 : data.origin_gcj02, "you", mapEl.dataset.you);
    tileEl.dataset.ready = "1";
  }

  function render(data) {
    list.replaceChildren();
    if (!data.results.length) {
      status.textContent = texts.none;
    } else {
      status.textContent = fmt(texts.found, { n: data.results.length });
    }
    if (data.origin && data.origin.kind !== "point") {
      const from = fmt(texts.from, { place: data.origin.kind === "district" ? data.origin.name : data.origin.district + data.origin.name });
      status.textContent = `${from}${data.origin.precise ? "" : " " + texts.approx} ${status.textContent}`;
    }
    for (const r of data.results) {
      const li = document.createElement("li");
      li.className = "station-item";
      li.dataset.testid = "station-item";
      const a = document.createElement("a");
      a.href = `/h5/stations/${r.id}/`;
      a.className = "station-name";
      a.textContent = r.name;
      const meta = document.createElement("p");
      meta.className = "station-meta";
      let state = r.open_now ? texts.open : texts.closed;
      if (r.open_now && r.closes_at) state += " · " + fmt(texts.closes, { t: clock(r.closes_at) });
      if (!r.open_now && r.opens_at) state += " · " + fmt(texts.opens, { t: clock(r.opens_at) });
      meta.textContent = `${distance(r.distance_m)} · ${kindLabels[r.kind]} · ${state}`;
      const offers = document.createElement("p");
      offers.className = "station-offers";
      offers.textContent = r.amenities.map((c) => amenityLabels[c]).join(" · ");
      const addr = document.createElement("p");
      addr.className = "hint";
      addr.textContent = r.address;
      li.append(a, meta, offers, addr);
      list.append(li);
    }
    drawMap(data);
    drawTiles(data);
  }

  async function search() {
    if (!origin) return;
    const q = new URLSearchParams(origin.place ? { place: origin.place, crs: "gcj02" } : { lat: origin.lat, lng: origin.lng, crs: origin.crs });
    q.set("limit", 10);
    q.set("radius_m", 5000);
    wanted.forEach((a) => q.append("amenity", a));
    if (openNow.checked) q.set("open_now", "1");
    try {
      const response = await fetch(`/api/v1/stations/nearby?${q}`);
      const data = await response.json();
      candidates.hidden = true;
      candidates.replaceChildren();
      if (!response.ok) {
        if (data.code === "ambiguous_place") { choose(data.candidates); return; }
        status.textContent = data.detail || texts.error;
        return;
      }
      render(data);
    } catch (e) {
      status.textContent = texts.error;
    }
  }

  document.getElementById("locate").addEventListener("click", () => {
    if (!navigator.geolocation) { status.textContent = texts.denied; return; }
    status.textContent = texts.locating;
    navigator.geolocation.getCurrentPosition(
      (pos) => { origin = { lat: pos.coords.latitude, lng: pos.coords.longitude, crs: "wgs84", approx: false }; search(); },
      () => { status.textContent = texts.denied; document.getElementById("place").focus(); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 },
    );
  });

  // Two places of one name (八里庄街道 in 朝阳 and 海淀): the worker picks one.
  function choose(options) {
    status.textContent = texts.choose;
    for (const c of options) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "secondary-button candidate";
      button.textContent = `${c.name}（${c.district}）`;
      button.addEventListener("click", () => {
        document.getElementById("place").value = c.query;
        origin = { place: c.query };
        search();
      });
      candidates.append(button);
    }
    candidates.hidden = false;
  }

  // The server resolves the typed street, place or landmark to its own point.
  document.getElementById("place-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const typed = document.getElementById("place").value.trim();
    if (!typed) { status.textContent = texts.unknownPlace; return; }
    origin = { place: typed };
    search();
  });

  document.querySelectorAll(".need").forEach((button) => {
    button.addEventListener("click", () => {
      const code = button.dataset.amenity;
      if (wanted.has(code)) wanted.delete(code); else wanted.add(code);
      button.setAttribute("aria-pressed", wanted.has(code) ? "true" : "false");
      search();
    });
  });
  openNow.addEventListener("change", search);
});
