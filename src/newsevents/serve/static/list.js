// The article and people lists: a search box, a table, pages of 50.
"use strict";

(() => {
  const main = document.getElementById("main");
  const kind = main.dataset.kind;
  const form = document.getElementById("list-search");
  const tbody = document.getElementById("list-rows");
  const summary = document.getElementById("summary");
  const LIMIT = 50;
  const params = new URLSearchParams(window.location.search);
  const state = {q: params.get("q") || "", offset: Math.max(0, parseInt(params.get("offset") || "0", 10) || 0)};
  form.elements.namedItem("q").value = state.q;

  const td = (...children) => NE.el("td", {}, ...children);
  const ROWS = {
    articles: (a) => NE.el("tr", {},
      td(NE.el("a", {href: NE.articleUrl(a.id), text: a.title || a.id})),
      td(a.date || ""), td(a.dateline || ""), td(a.source || ""),
      NE.el("td", {class: "num", text: String(a.events ?? "")})),
    people: (p) => NE.el("tr", {},
      td(NE.el("a", {href: NE.personUrl(p.pk), text: p.name || p.id})),
      td((p.roles || []).join(", ")), td((p.affiliations || []).join(", ")),
      NE.el("td", {class: "num", text: String(Array.isArray(p.aliases) ? p.aliases.length : (p.aliases ?? ""))})),
  };

  async function load() {
    const q = new URLSearchParams();
    if (state.q) q.set("q", state.q);
    if (state.offset) q.set("offset", String(state.offset));
    history.replaceState(null, "", q.toString() ? "?" + q.toString() : window.location.pathname);
    q.set("limit", String(LIMIT));
    summary.textContent = "Loading…";
    let data;
    try {
      data = await NE.api("GET", `/api/v1/${kind}?` + q.toString());
    } catch (err) {
      summary.textContent = `Could not load the list: ${err.message}`;
      return;
    }
    const items = data.items || [];
    const fragment = document.createDocumentFragment();
    for (const item of items) fragment.append(ROWS[kind](item));
    NE.clear(tbody);
    tbody.append(fragment);
    const total = data.total || 0;
    const first = total ? state.offset + 1 : 0;
    summary.textContent = `${first.toLocaleString()}–${(state.offset + items.length).toLocaleString()} of ${total.toLocaleString()}`;
    document.getElementById("prev").disabled = state.offset <= 0;
    document.getElementById("next").disabled = state.offset + items.length >= total;
    main.dataset.loaded = "yes";
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    state.q = form.elements.namedItem("q").value.trim();
    state.offset = 0;
    load();
  });
  document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - LIMIT); load(); });
  document.getElementById("next").addEventListener("click", () => { state.offset += LIMIT; load(); });
  load();
})();
