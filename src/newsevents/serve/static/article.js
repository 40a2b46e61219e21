// The article view: the text with every extracted span highlighted. Spans may nest or
// overlap: the text is cut at every span boundary and each piece is marked with the spans
// covering it (coloured by the innermost one). Clicking a piece shows the fields it feeds.
"use strict";

(() => {
  const main = document.getElementById("main");
  const articleId = main.dataset.articleId;
  const textBox = document.getElementById("article-text");
  const details = document.getElementById("span-details");
  const hint = document.getElementById("span-hint");
  const eventList = document.getElementById("article-events");
  const KINDS = ["trigger", "actor", "place", "time", "count", "claim_cue"];
  const KIND_NAMES = {trigger: "trigger", actor: "actor", place: "place", time: "time",
    count: "count", claim_cue: "claim cue"};

  let text = "";
  let spans = [];
  let eventsById = new Map();
  const segmentsOfSpan = new Map();

  const kindOf = (span) => (KINDS.includes(span.kind) ? span.kind : "other");
  const eventKey = (span) => (span.event_pk !== undefined && span.event_pk !== null ? String(span.event_pk) : String(span.event_id || ""));

  // Cut the text at every boundary; each piece lists the spans covering it.
  function segments(length, list) {
    const cuts = new Set([0, length]);
    for (const s of list) { cuts.add(s.start); cuts.add(s.end); }
    const points = [...cuts].sort((a, b) => a - b);
    const byStart = list.map((s, i) => i).sort((a, b) => list[a].start - list[b].start);
    const out = [];
    const active = new Set();
    let next = 0;
    for (let p = 0; p < points.length - 1; p++) {
      const a = points[p], b = points[p + 1];
      for (const i of [...active]) if (list[i].end <= a) active.delete(i);
      while (next < byStart.length && list[byStart[next]].start <= a) {
        const i = byStart[next++];
        if (list[i].end > a) active.add(i);
      }
      out.push({start: a, end: b, spans: [...active]});
    }
    return out;
  }

  function innermost(indices) {
    return indices.slice().sort((x, y) => {
      const lx = spans[x].end - spans[x].start, ly = spans[y].end - spans[y].start;
      return lx - ly || KINDS.indexOf(spans[x].kind) - KINDS.indexOf(spans[y].kind);
    });
  }

  function renderText() {
    const fragment = document.createDocumentFragment();
    for (const seg of segments(text.length, spans)) {
      const piece = text.slice(seg.start, seg.end);
      if (!seg.spans.length) { fragment.append(document.createTextNode(piece)); continue; }
      const order = innermost(seg.spans);
      const top = spans[order[0]];
      const kinds = [...new Set(order.map((i) => kindOf(spans[i])))];
      const mark = NE.el("mark", {
        class: `hl k-${kindOf(top)}${order.length > 1 ? " multi" : ""}`,
        tabindex: "0",
        role: "button",
        title: order.map((i) => `${KIND_NAMES[spans[i].kind] || spans[i].kind}: ${spans[i].field || ""}`).join("\n"),
        dataset: {spans: order.join(","), kinds: kinds.join(" ")},
      }, piece);
      for (const i of order) {
        if (!segmentsOfSpan.has(i)) segmentsOfSpan.set(i, []);
        segmentsOfSpan.get(i).push(mark);
      }
      fragment.append(mark);
    }
    NE.clear(textBox);
    textBox.append(fragment);
  }

  function clearActive() {
    for (const node of textBox.querySelectorAll("mark.active")) node.classList.remove("active");
    for (const node of eventList.querySelectorAll("li.active")) node.classList.remove("active");
  }

  function activateSpans(indices) {
    clearActive();
    for (const i of indices) for (const mark of segmentsOfSpan.get(i) || []) mark.classList.add("active");
  }

  function eventLink(span) {
    const ev = eventsById.get(eventKey(span));
    const pk = span.event_pk !== undefined && span.event_pk !== null ? span.event_pk : (ev ? ev.pk : null);
    const label = ev && ev.type ? ev.type : `event ${span.event_id || pk || ""}`;
    return pk !== null && pk !== undefined ? NE.el("a", {href: NE.eventUrl(pk), class: "event-link", text: label}) : NE.el("span", {text: label});
  }

  function showSpans(order) {
    hint.hidden = true;
    NE.clear(details);
    for (const i of order) {
      const s = spans[i];
      details.append(NE.el("div", {class: `span-card k-${kindOf(s)}`},
        NE.el("p", {}, NE.el("span", {class: `hl k-${kindOf(s)}`, text: KIND_NAMES[s.kind] || s.kind}), " ",
          NE.el("q", {class: "span-text", text: text.slice(s.start, s.end)})),
        NE.el("dl", {},
          NE.el("dt", {text: "feeds"}), NE.el("dd", {class: "span-field", text: s.field || "—"}),
          s.label ? [NE.el("dt", {text: "value"}), NE.el("dd", {class: "span-label", text: s.label})] : null,
          NE.el("dt", {text: "event"}), NE.el("dd", {}, eventLink(s)),
          NE.el("dt", {text: "offsets"}), NE.el("dd", {text: `${s.start}–${s.end}`}))));
    }
    activateSpans(order);
  }

  textBox.addEventListener("click", (e) => {
    const mark = e.target.closest("mark.hl");
    if (!mark) return;
    showSpans(mark.dataset.spans.split(",").map(Number));
  });
  textBox.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === " ") && e.target.matches("mark.hl")) {
      e.preventDefault();
      e.target.click();
    }
  });

  function renderEvents() {
    const groups = new Map();
    spans.forEach((s, i) => {
      const key = eventKey(s);
      if (!key) return;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(i);
    });
    NE.clear(eventList);
    for (const [key, indices] of groups) {
      const ev = eventsById.get(key);
      const trigger = indices.map((i) => spans[i]).find((s) => s.kind === "trigger");
      const li = NE.el("li", {id: `event-${spans[indices[0]].event_id || key}`, dataset: {event: key}},
        eventLink(spans[indices[0]]), " ",
        trigger ? NE.el("q", {text: text.slice(trigger.start, trigger.end)}) : null,
        ev ? NE.el("div", {class: "meta", text: [NE.dateText(ev.date), ev.location && ev.location.name, NE.statusOf(ev)].filter(Boolean).join(" · ")}) : null,
        NE.el("button", {type: "button", class: "show-spans", title: "highlight this event's spans", text: "show spans", onclick: () => {
          activateSpans(indices);
          li.classList.add("active");
          const first = segmentsOfSpan.get(indices[0]);
          if (first && first[0]) first[0].scrollIntoView({block: "center"});
        }}));
      eventList.append(li);
    }
  }

  async function load() {
    let article;
    try {
      article = await NE.api("GET", `/api/v1/articles/${encodeURIComponent(articleId)}`);
    } catch (err) {
      document.getElementById("article-title").textContent = err.status === 404 ? "No such article" : "Could not load the article";
      textBox.textContent = err.message;
      return;
    }
    text = typeof article.text === "string" ? article.text : "";
    spans = (article.spans || []).filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end)
      && s.start >= 0 && s.end > s.start && s.end <= text.length);
    document.getElementById("article-title").textContent = article.title || article.id || articleId;
    document.title = `${article.title || article.id || articleId} · newsevents`;
    const meta = document.getElementById("article-meta");
    NE.clear(meta);
    meta.append(
      [article.id, article.date, article.dateline, article.source].filter(Boolean).join(" · "));
    if (article.url) {
      const href = NE.safeHref(article.url);
      meta.append(" · ", href !== "#" ? NE.el("a", {href, rel: "noopener noreferrer", text: "original"}) : NE.el("span", {text: article.url}));
    }
    for (const ev of article.event_items || []) {
      eventsById.set(String(ev.pk), ev);
      if (ev.id) eventsById.set(String(ev.id), ev);
    }
    renderText();
    renderEvents();
    main.dataset.loaded = "yes";
    const hash = decodeURIComponent(window.location.hash.slice(1));
    if (hash.startsWith("event-")) {
      const li = document.getElementById(hash);
      const button = li && li.querySelector("button.show-spans");
      if (button) button.click();
    }
  }

  load();
})();
