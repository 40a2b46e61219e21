// The timeline: events per day, week or month, stacked by type, as an SVG bar chart.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const box = document.getElementById("timeline");
  const legend = document.getElementById("timeline-legend");
  const summary = document.getElementById("summary");
  const bucket = document.getElementById("bucket");
  const main = document.getElementById("main");
  const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f"];
  const TOP = PALETTE.length - 1;

  const svg = (tag, attrs, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  const urlBucket = new URLSearchParams(window.location.search).get("bucket");
  if (["day", "week", "month"].includes(urlBucket)) bucket.value = urlBucket;
  let filters = NE.bindFilters((params) => { filters = params; load(); });
  bucket.addEventListener("change", () => {
    const url = new URL(window.location.href);
    url.searchParams.set("bucket", bucket.value);
    history.replaceState(null, "", url);
    load();
  });

  // Every month (or day) between the first and the last, so empty periods show as gaps.
  function fillGaps(keys) {
    if (keys.length < 2) return keys;
    const first = keys[0], last = keys[keys.length - 1];
    const out = [];
    if (/^\d{4}-\d{2}$/.test(first) && /^\d{4}-\d{2}$/.test(last)) {
      let [y, m] = first.split("-").map(Number);
      const [ly, lm] = last.split("-").map(Number);
      while ((y < ly || (y === ly && m <= lm)) && out.length < 2400) {
        out.push(`${y}-${String(m).padStart(2, "0")}`);
        m += 1; if (m > 12) { m = 1; y += 1; }
      }
      return out;
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(first) && /^\d{4}-\d{2}-\d{2}$/.test(last)) {
      const end = Date.parse(last + "T00:00:00Z");
      for (let t = Date.parse(first + "T00:00:00Z"); t <= end && out.length < 1500; t += 864e5) {
        out.push(new Date(t).toISOString().slice(0, 10));
      }
      return out.length < 1500 ? out : keys;
    }
    return keys;
  }

  // The first and last day of a period: "2017-01", "2017-01-18" or "2017-W03".
  function periodRange(period) {
    if (/^\d{4}-\d{2}(-\d{2})?$/.test(period)) return [period, period];
    const week = period.match(/^(\d{4})-W(\d{2})$/);
    if (!week) return null;
    const jan4 = Date.UTC(+week[1], 0, 4);
    const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 864e5 + (+week[2] - 1) * 7 * 864e5;
    const day = (t) => new Date(t).toISOString().slice(0, 10);
    return [day(monday), day(monday + 6 * 864e5)];
  }

  function draw(rows) {
    NE.clear(box);
    NE.clear(legend);
    const totals = new Map();
    const periods = new Map();
    for (const r of rows) {
      if (!r || typeof r.period !== "string") continue;
      const n = Number(r.n) || 0;
      totals.set(r.type, (totals.get(r.type) || 0) + n);
      if (!periods.has(r.period)) periods.set(r.period, new Map());
      const p = periods.get(r.period);
      p.set(r.type, (p.get(r.type) || 0) + n);
    }
    const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    const shown = ranked.length > PALETTE.length ? ranked.slice(0, TOP) : ranked;
    const colour = (t) => PALETTE[shown.indexOf(t)] || PALETTE[TOP];
    const groupOf = (t) => (shown.includes(t) ? t : "other");
    const keys = fillGaps([...periods.keys()].sort());
    const total = [...totals.values()].reduce((a, b) => a + b, 0);
    summary.textContent = `${total.toLocaleString()} dated events in ${keys.length} ${bucket.value}s`;
    if (!keys.length) { main.dataset.loaded = "yes"; return; }
    const W = 960, H = 360, left = 48, right = 12, top = 12, bottom = 56;
    const max = Math.max(1, ...keys.map((k) => [...(periods.get(k) || new Map()).values()].reduce((a, b) => a + b, 0)));
    const bw = (W - left - right) / keys.length;
    const y = (v) => top + (H - top - bottom) * (1 - v / max);
    const chart = svg("svg", {viewBox: `0 0 ${W} ${H}`, class: "bars", role: "img", "aria-label": "events over time"});
    for (const v of [0, Math.round(max / 2), max]) {
      chart.append(svg("line", {x1: left, x2: W - right, y1: y(v), y2: y(v), class: "grid"}));
      chart.append(svg("text", {x: left - 6, y: y(v) + 4, "text-anchor": "end", class: "tick"}, String(v)));
    }
    const every = Math.max(1, Math.ceil(keys.length / 16));
    keys.forEach((k, i) => {
      let base = 0;
      const x = left + i * bw;
      const byGroup = new Map();
      for (const [t, n] of periods.get(k) || []) byGroup.set(groupOf(t), (byGroup.get(groupOf(t)) || 0) + n);
      for (const g of [...shown, "other"]) {
        const n = byGroup.get(g);
        if (!n) continue;
        const rect = svg("rect", {x: (x + bw * 0.1).toFixed(2), width: Math.max(1, bw * 0.8).toFixed(2),
          y: y(base + n).toFixed(2), height: (y(base) - y(base + n)).toFixed(2),
          fill: g === "other" ? PALETTE[TOP] : colour(g), class: "bar"});
        rect.append(svg("title", {}, `${k} ${g}: ${n} (click to list them)`));
        const range = periodRange(k);
        if (range) {
          const q = new URLSearchParams(filters);
          q.set("since", range[0]);
          q.set("until", range[1]);
          if (g !== "other") q.set("type", g);
          const link = svg("a", {href: "/?" + q.toString(), class: "bar-link"});
          link.append(rect);
          chart.append(link);
        } else {
          chart.append(rect);
        }
        base += n;
      }
      if (i % every === 0) {
        chart.append(svg("text", {x: x + bw / 2, y: H - bottom + 16, "text-anchor": "end",
          transform: `rotate(-40 ${x + bw / 2} ${H - bottom + 16})`, class: "tick"}, k));
      }
    });
    box.append(chart);
    for (const g of ranked.length > shown.length ? [...shown, "other"] : shown) {
      const swatch = svg("svg", {width: 12, height: 12, class: "swatch"});
      swatch.append(svg("rect", {width: 12, height: 12, fill: g === "other" ? PALETTE[TOP] : colour(g)}));
      legend.append(NE.el("span", {class: "legend-item"}, swatch, ` ${g} (${(g === "other"
        ? ranked.slice(TOP).reduce((a, t) => a + totals.get(t), 0) : totals.get(g)).toLocaleString()})`));
    }
    main.dataset.loaded = "yes";
  }

  async function load() {
    summary.textContent = "Loading…";
    const q = new URLSearchParams(filters);
    q.set("bucket", bucket.value);
    try {
      const data = await NE.api("GET", "/api/v1/timeline?" + q.toString());
      draw(Array.isArray(data) ? data : (data.items || []));
    } catch (err) {
      summary.textContent = `Could not load the timeline: ${err.message}`;
    }
  }

  load();
})();
