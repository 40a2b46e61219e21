// A person: every spelling, the status timeline (list and strip chart), every source sentence.
"use strict";

(() => {
  const main = document.getElementById("main");
  const pk = main.dataset.personPk;
  const SVG = "http://www.w3.org/2000/svg";
  const svg = (tag, attrs, text) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // Days since 1970 for an ISO date at any precision (2017, 2017-01, 2017-01-18, 2017-W03).
  function dayOf(value) {
    if (typeof value !== "string") return null;
    let m = value.match(/^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/);
    if (!m) return null;
    const week = value.match(/^(\d{4})-W(\d{2})/);
    if (week) return Date.UTC(+week[1], 0, 1) / 864e5 + (+week[2] - 1) * 7;
    return Date.UTC(+m[1], m[2] ? +m[2] - 1 : 0, m[3] ? +m[3] : 1) / 864e5;
  }

  function strip(timeline) {
    const box = document.getElementById("person-chart");
    NE.clear(box);
    const dated = timeline.map((t) => ({t, day: dayOf(typeof t.date === "object" && t.date ? t.date.value : t.date)})).filter((x) => x.day !== null);
    if (!dated.length) return;
    const W = 800, H = 90, pad = 40;
    let lo = Math.min(...dated.map((x) => x.day)), hi = Math.max(...dated.map((x) => x.day));
    if (hi - lo < 30) { lo -= 15; hi += 15; }
    const x = (d) => pad + (d - lo) / (hi - lo) * (W - 2 * pad);
    const chart = svg("svg", {viewBox: `0 0 ${W} ${H}`, class: "strip", role: "img", "aria-label": "status timeline"});
    chart.append(svg("line", {x1: pad, x2: W - pad, y1: 45, y2: 45, class: "axis"}));
    chart.append(svg("text", {x: pad, y: 80, class: "tick", "text-anchor": "start"}, new Date(lo * 864e5).toISOString().slice(0, 10)));
    chart.append(svg("text", {x: W - pad, y: 80, class: "tick", "text-anchor": "end"}, new Date(hi * 864e5).toISOString().slice(0, 10)));
    dated.forEach(({t, day}, i) => {
      const g = svg("g", {class: `mark st-${String(t.status || "other").replace(/[^a-z-]/g, "")}`});
      g.append(svg("circle", {cx: x(day), cy: 45, r: 7}));
      g.append(svg("text", {x: x(day), y: i % 2 ? 68 : 30, "text-anchor": "middle", class: "label"}, t.status || t.type || ""));
      g.append(svg("title", {}, `${typeof t.date === "object" && t.date ? t.date.value : t.date} ${t.status || ""} ${t.type || ""}`));
      chart.append(g);
    });
    box.append(chart);
  }

  function render(p) {
    document.getElementById("person-name").textContent = p.name || p.id || pk;
    document.title = `${p.name || pk} · newsevents`;
    const meta = document.getElementById("person-meta");
    NE.clear(meta);
    const aliases = (p.aliases || []).filter((a) => a !== p.name);
    meta.append([
      p.status ? `status: ${p.status}${p.since ? " since " + (typeof p.since === "object" && p.since ? p.since.value : p.since) : ""}` : "",
      aliases.length ? `also written: ${aliases.join(", ")}` : "",
      (p.roles || []).length ? `roles: ${p.roles.join(", ")}` : "",
      (p.affiliations || []).length ? `affiliations: ${p.affiliations.join(", ")}` : "",
    ].filter(Boolean).join(" · "));
    const timeline = p.timeline || [];
    strip(timeline);
    const list = document.getElementById("person-timeline");
    NE.clear(list);
    for (const t of timeline) {
      const date = typeof t.date === "object" && t.date ? t.date.value : t.date;
      const evPk = t.event_pk ?? null;
      list.append(NE.el("li", {},
        NE.el("span", {class: "date", text: date || "undated"}), " ",
        NE.el("strong", {text: t.status || ""}), ` ${t.type || ""} `,
        t.claim ? NE.el("span", {class: "meta", text: `(${typeof t.claim === "object" ? t.claim.status : t.claim})`}) : null, " ",
        evPk !== null ? NE.el("a", {href: NE.eventUrl(evPk), text: "event"})
          : (t.event_id && (t.articles || []).length ? NE.el("a", {href: `${NE.articleUrl(t.articles[0])}#event-${encodeURIComponent(t.event_id)}`, text: "event"}) : null), " ",
        (t.articles || []).flatMap((a) => [NE.el("a", {href: NE.articleUrl(a), text: a}), " "])));
    }
    if (!timeline.length) list.append(NE.el("li", {class: "meta", text: "No status events."}));
    for (const c of p.contradictions || []) {
      list.append(NE.el("li", {class: "contradiction", text: `sources disagree on ${c.field}: ${(c.values || []).map(String).join(" vs ")}`}));
    }
    const sentences = document.getElementById("person-sentences");
    NE.clear(sentences);
    const rows = p.sentences || p.sources || [];
    for (const s of rows) {
      const article = s.article_id || s.article;
      const text = (s.text || s.sentence || "").replace(/\s+$/, "");
      const quote = NE.el("q", {});
      const m = s.mention;
      const from = m && Number.isInteger(m.start) && Number.isInteger(s.start) ? m.start - s.start : -1;
      if (from >= 0 && m.end - s.start <= text.length && m.end > m.start) {
        quote.append(text.slice(0, from), NE.el("mark", {class: "hl k-actor", text: text.slice(from, m.end - s.start)}), text.slice(m.end - s.start));
      } else {
        quote.textContent = text;
      }
      const evLink = s.event_pk !== undefined && s.event_pk !== null ? NE.el("a", {href: NE.eventUrl(s.event_pk), text: "event"}) : null;
      sentences.append(NE.el("li", {class: "sentence"},
        quote, " ", evLink, " ",
        article ? NE.el("a", {href: NE.articleUrl(article) + (Number.isInteger(s.start) ? `#offset-${s.start}` : ""), text: article}) : null));
    }
    if (!rows.length) sentences.append(NE.el("li", {class: "meta", text: "No source sentences."}));
    main.dataset.loaded = "yes";
  }

  NE.api("GET", `/api/v1/people/${encodeURIComponent(pk)}`).then(render).catch((err) => {
    document.getElementById("person-name").textContent = err.status === 404 ? "No such person" : "Could not load the person";
    NE.toast(err.message, true);
  });
})();
