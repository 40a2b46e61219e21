// The map: events on an offline world basemap (land, lakes and borders from /basemap.json),
// drawn in the Equal Earth projection as SVG, with zoom (wheel, buttons) and pan (drag).
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const box = document.getElementById("map");
  const summary = document.getElementById("summary");
  const list = document.getElementById("map-events");
  const main = document.getElementById("main");
  const SCALE = 150;

  const svg = (tag, attrs) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    return node;
  };

  // Equal Earth (Šavrič, Patterson, Jenny 2018); y grows downwards for SVG.
  const A1 = 1.340264, A2 = -0.081106, A3 = 0.000893, A4 = 0.003796, M = Math.sqrt(3) / 2;
  function project(lon, lat) {
    const l = lon * Math.PI / 180, p = Math.max(-90, Math.min(90, lat)) * Math.PI / 180;
    const t = Math.asin(M * Math.sin(p)), t2 = t * t, t6 = t2 * t2 * t2;
    const x = l * Math.cos(t) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)));
    const y = t * (A1 + A2 * t2 + t6 * (A3 + A4 * t2));
    return [x * SCALE, -y * SCALE];
  }
  const [XMAX] = project(180, 0);
  const [, YTOP] = project(0, 90);
  const WIDTH = 2 * XMAX, HEIGHT = -2 * YTOP;

  // Where the shoreline data cuts a landmass in two (the antimeridian, and Antarctica at 0°):
  // such edges are filled but not stroked.
  const seam = (lon1, lat1, lon2, lat2) => (Math.abs(lon1) === 180 && lon1 === lon2)
    || (lon1 === 0 && lon2 === 0 && lat1 < -60 && lat2 < -60);

  function pathOf(rings, close) {
    const parts = [];
    for (const ring of rings) {
      if (ring.length < 4) continue;
      let d = "";
      for (let i = 0; i < ring.length; i += 2) {
        const [x, y] = project(ring[i], ring[i + 1]);
        d += (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
      }
      parts.push(close ? d + "Z" : d);
    }
    return parts.join("");
  }

  // The outline of land rings without their seams, as open lines.
  function coastOf(rings) {
    let d = "";
    for (const ring of rings) {
      const n = ring.length / 2;
      if (n < 2) continue;
      let pen = false;
      for (let k = 0; k <= n; k++) {
        const i = (k % n) * 2;
        const [x, y] = project(ring[i], ring[i + 1]);
        const prev = k ? ((k - 1) % n) * 2 : -1;
        if (k && !seam(ring[prev], ring[prev + 1], ring[i], ring[i + 1]) && pen) {
          d += "L" + x.toFixed(1) + " " + y.toFixed(1);
        } else {
          d += "M" + x.toFixed(1) + " " + y.toFixed(1);
        }
        pen = true;
      }
    }
    return d;
  }

  const chart = svg("svg", {class: "world", role: "img", "aria-label": "map of events", preserveAspectRatio: "xMidYMid meet"});
  const sea = svg("path", {class: "sphere"});
  const land = svg("path", {class: "land"});
  const water = svg("path", {class: "water"});
  const coast = svg("path", {class: "coast"});
  const borders = svg("path", {class: "borders"});
  const dots = svg("g", {class: "dots"});
  chart.append(sea, land, water, coast, borders, dots);
  box.append(chart);

  // The outline of the whole projected world.
  const outline = [];
  for (let lat = -90; lat <= 90; lat += 5) outline.push(180, lat);
  for (let lat = 90; lat >= -90; lat -= 5) outline.push(-180, lat);
  sea.setAttribute("d", pathOf([outline], true));

  // --- view: zoom and pan through the viewBox ---
  const view = {cx: 0, cy: 0, k: 1};
  function applyView() {
    const w = WIDTH / view.k, h = HEIGHT / view.k;
    view.cx = Math.max(-XMAX, Math.min(XMAX, view.cx));
    view.cy = Math.max(YTOP, Math.min(-YTOP, view.cy));
    chart.setAttribute("viewBox", `${view.cx - w / 2} ${view.cy - h / 2} ${w} ${h}`);
    for (const c of dots.children) c.setAttribute("r", (Number(c.dataset.size) / view.k).toFixed(3));
    chart.dataset.zoom = view.k.toFixed(2);
  }
  function zoom(factor, atX, atY) {
    const k = Math.max(1, Math.min(64, view.k * factor));
    if (atX !== undefined) {
      view.cx = atX + (view.cx - atX) * view.k / k;
      view.cy = atY + (view.cy - atY) * view.k / k;
    }
    view.k = k;
    applyView();
  }
  function toWorld(clientX, clientY) {
    const pt = chart.createSVGPoint();
    pt.x = clientX; pt.y = clientY;
    const m = chart.getScreenCTM();
    if (!m) return [view.cx, view.cy];
    const w = pt.matrixTransform(m.inverse());
    return [w.x, w.y];
  }
  chart.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [x, y] = toWorld(e.clientX, e.clientY);
    zoom(e.deltaY < 0 ? 1.25 : 0.8, x, y);
  }, {passive: false});
  let drag = null;
  chart.addEventListener("pointerdown", (e) => {
    if (e.target.closest("circle")) return;
    drag = {x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy, moved: false};
    chart.setPointerCapture(e.pointerId);
  });
  chart.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const m = chart.getScreenCTM();
    const scale = m ? m.a : 1;
    view.cx = drag.cx - (e.clientX - drag.x) / scale;
    view.cy = drag.cy - (e.clientY - drag.y) / scale;
    applyView();
  });
  chart.addEventListener("pointerup", () => { drag = null; });
  document.getElementById("zoom-in").addEventListener("click", () => zoom(1.5));
  document.getElementById("zoom-out").addEventListener("click", () => zoom(1 / 1.5));
  document.getElementById("zoom-reset").addEventListener("click", () => { view.cx = 0; view.cy = 0; view.k = 1; applyView(); });
  applyView();

  async function loadBasemap() {
    try {
      const base = await NE.api("GET", "/basemap.json");
      land.setAttribute("d", pathOf(base.land || [], true));
      water.setAttribute("d", pathOf(base.water || [], true));
      coast.setAttribute("d", coastOf(base.land || []));
      borders.setAttribute("d", pathOf(base.borders || [], false));
      const title = svg("title", {});
      title.textContent = `Basemap: ${base.source || ""}`;
      chart.insertBefore(title, sea);
    } catch (err) {
      NE.toast(`No basemap: ${err.message}`, true);
    }
  }

  const propDate = (p) => NE.dateText(p.date);
  function showGroup(group) {
    NE.clear(list);
    for (const p of group.slice(0, 200)) {
      const pk = p.pk ?? p.event_pk;
      const label = `${propDate(p)} ${p.type || ""} ${NE.placeText(p.location || p.place || p.name)}`.trim();
      list.append(NE.el("li", {}, pk !== undefined ? NE.el("a", {href: NE.eventUrl(pk), text: label}) : label));
    }
    if (group.length > 200) list.append(NE.el("li", {class: "meta", text: `… and ${group.length - 200} more`}));
  }

  async function loadEvents(params) {
    summary.textContent = "Loading…";
    let data;
    try {
      data = await NE.api("GET", "/api/v1/map?" + params.toString());
    } catch (err) {
      summary.textContent = `Could not load the events: ${err.message}`;
      return;
    }
    const groups = new Map();
    let placed = 0;
    for (const f of (data && data.features) || []) {
      if (!f.geometry || !Array.isArray(f.geometry.coordinates)) continue;
      const [lon, lat] = f.geometry.coordinates;
      if (typeof lon !== "number" || typeof lat !== "number") continue;
      const key = `${lon.toFixed(3)},${lat.toFixed(3)}`;
      if (!groups.has(key)) groups.set(key, {lon, lat, items: []});
      groups.get(key).items.push(f.properties || {});
      placed++;
    }
    NE.clear(dots);
    const sorted = [...groups.values()].sort((a, b) => b.items.length - a.items.length);
    for (const g of sorted) {
      const [x, y] = project(g.lon, g.lat);
      const size = 2.5 + 1.5 * Math.sqrt(g.items.length);
      const c = svg("circle", {cx: x.toFixed(2), cy: y.toFixed(2), r: size, class: "dot", tabindex: 0});
      c.dataset.size = String(size);
      c.dataset.n = String(g.items.length);
      const title = svg("title", {});
      title.textContent = `${g.items.length} event(s) at ${NE.placeText(g.items[0].location || g.items[0].place || g.items[0].name) || `${g.lat}, ${g.lon}`}`;
      c.append(title);
      c.addEventListener("click", () => showGroup(g.items));
      c.addEventListener("keydown", (e) => { if (e.key === "Enter") showGroup(g.items); });
      dots.append(c);
    }
    applyView();
    const total = ((data && data.features) || []).length;
    summary.textContent = `${placed.toLocaleString()} placed events at ${groups.size.toLocaleString()} places` +
      (total > placed ? ` (${(total - placed).toLocaleString()} without coordinates)` : "");
    main.dataset.loaded = "yes";
  }

  const params = NE.bindFilters(loadEvents);
  loadBasemap();
  loadEvents(params);
})();
