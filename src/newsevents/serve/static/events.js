// The events table: filters, sorting, pages, review actions and keyboard shortcuts.
"use strict";

(() => {
  const main = document.getElementById("main");
  const tbody = document.getElementById("rows");
  const summary = document.getElementById("summary");
  const empty = document.getElementById("empty");
  const pageSize = document.getElementById("page-size");
  const help = document.getElementById("help");
  const canReview = main.dataset.canReview === "yes";

  const urlParams = new URLSearchParams(window.location.search);
  const state = {
    filters: NE.bindFilters((params) => { state.filters = params; state.offset = 0; load(); }),
    sort: urlParams.get("sort") || "date",
    order: urlParams.get("order") || "desc",
    limit: Math.min(500, Math.max(1, parseInt(urlParams.get("limit") || "50", 10) || 50)),
    offset: Math.max(0, parseInt(urlParams.get("offset") || "0", 10) || 0),
    total: 0,
    items: [],
    selected: -1,
    loading: null,
  };
  pageSize.value = String(state.limit);

  function query() {
    const q = new URLSearchParams(state.filters);
    q.set("sort", state.sort);
    q.set("order", state.order);
    q.set("limit", String(state.limit));
    q.set("offset", String(state.offset));
    return q;
  }

  function syncUrl() {
    const url = new URL(window.location.href);
    const q = query();
    if (state.offset === 0) q.delete("offset");
    url.search = q.toString();
    history.replaceState(null, "", url);
  }

  function updateExports() {
    for (const link of document.querySelectorAll("a.export")) {
      const q = new URLSearchParams(state.filters);
      q.set("format", link.dataset.format);
      link.setAttribute("href", "/api/v1/export?" + q.toString());
    }
  }

  function updateSortHeaders() {
    for (const th of document.querySelectorAll("th[data-sort]")) {
      th.classList.toggle("sorted-asc", th.dataset.sort === state.sort && state.order === "asc");
      th.classList.toggle("sorted-desc", th.dataset.sort === state.sort && state.order === "desc");
      th.setAttribute("aria-sort", th.dataset.sort === state.sort
        ? (state.order === "asc" ? "ascending" : "descending") : "none");
    }
  }

  async function load(selectAt) {
    const q = query();
    syncUrl();
    updateExports();
    updateSortHeaders();
    summary.textContent = "Loading…";
    const token = {};
    state.loading = token;
    let data;
    try {
      data = await NE.api("GET", "/api/v1/events?" + q.toString());
    } catch (err) {
      if (state.loading !== token) return;
      summary.textContent = `Could not load the events: ${err.message}`;
      NE.clear(tbody);
      return;
    }
    if (state.loading !== token) return;
    state.items = data.items || [];
    state.total = data.total || 0;
    render();
    const n = state.items.length;
    if (n) select(selectAt === "last" ? n - 1 : (selectAt === "first" ? 0 : Math.min(Math.max(state.selected, 0), n - 1)), true);
    else state.selected = -1;
  }

  function statusBadge(ev) {
    const status = NE.statusOf(ev);
    return NE.el("span", {class: `status s-${status}`, text: status});
  }

  // Agents → targets; a resolved person links to their page.
  function actorCell(ev) {
    const names = (list) => (list || []).filter((a) => NE.actorName(a)).map((a) => {
      const id = a.person_pk ?? a.person_id;
      return id !== undefined && id !== null
        ? NE.el("a", {href: NE.personUrl(id), class: "person", text: NE.actorName(a)})
        : NE.el("span", {text: NE.actorName(a)});
    });
    const join = (nodes) => nodes.flatMap((n, i) => (i ? [", ", n] : [n]));
    const agents = names(ev.agents), targets = names(ev.targets);
    if (!agents.length && !targets.length) return NE.actorsText(ev);
    return [...join(agents), agents.length && targets.length ? " → " : "", ...join(targets)];
  }

  function row(ev, index) {
    const pk = ev.pk;
    const typeCell = NE.el("td", {class: "type", title: ev.type_names ? [ev.type_names.acled_event_type, ev.type_names.acled_sub_event_type].filter(Boolean).join(" / ") : null},
      NE.el("span", {class: "code", text: ev.type || ""}),
      NE.triggerText(ev) ? NE.el("span", {class: "trigger", text: NE.triggerText(ev)}) : null);
    const articleCell = NE.el("td", {class: "source"},
      ev.article_id ? NE.el("a", {href: NE.articleUrl(ev.article_id) + (ev.id ? `#event-${encodeURIComponent(ev.id)}` : ""), text: ev.article_id}) : "");
    const actions = NE.el("td", {class: "actions"},
      NE.el("a", {href: NE.eventUrl(pk), class: "edit", text: canReview ? "Edit" : "View"}));
    if (canReview) {
      actions.append(
        NE.el("button", {type: "button", class: "accept", title: "Accept (a)", text: "✓", onclick: () => { select(index); review("accept"); }}),
        NE.el("button", {type: "button", class: "reject", title: "Reject (r)", text: "✗", onclick: () => { select(index); review("reject"); }}));
    }
    const conf = typeof ev.confidence === "number" ? ev.confidence.toFixed(2) : "";
    const tr = NE.el("tr", {dataset: {pk: String(pk), index: String(index)}, class: `r-${NE.statusOf(ev)}`, title: NE.sentenceText(ev) || null},
      NE.el("td", {}, statusBadge(ev)),
      NE.el("td", {class: "date", text: NE.dateText(ev.date)}),
      typeCell,
      NE.el("td", {class: "place", text: NE.placeText(ev.location)}),
      NE.el("td", {class: "actors"}, actorCell(ev)),
      NE.el("td", {class: "num", text: NE.countText(ev.count)}),
      NE.el("td", {class: "claim", text: NE.claimText(ev.claim)}),
      NE.el("td", {class: "num", text: conf}),
      articleCell,
      actions);
    tr.addEventListener("click", (e) => {
      if (e.target.closest("a, button")) return;
      select(index);
    });
    return tr;
  }

  function render() {
    const fragment = document.createDocumentFragment();
    state.items.forEach((ev, i) => fragment.append(row(ev, i)));
    NE.clear(tbody);
    tbody.append(fragment);
    empty.hidden = state.items.length > 0;
    const first = state.total ? state.offset + 1 : 0;
    const last = state.offset + state.items.length;
    summary.textContent = `${first.toLocaleString()}–${last.toLocaleString()} of ${state.total.toLocaleString()} events`;
    document.getElementById("prev").disabled = state.offset <= 0;
    document.getElementById("next").disabled = last >= state.total;
    main.dataset.loaded = "yes";
    if (!state.marked) {  // first screen shown: marks for benchmarks/serve_page.py
      state.marked = true;
      performance.mark("events-rendered");
      requestAnimationFrame(() => setTimeout(() => performance.mark("events-painted"), 0));
    }
  }

  function select(index, quiet) {
    const rows = tbody.rows;
    if (!rows.length) return;
    index = Math.max(0, Math.min(index, rows.length - 1));
    if (state.selected >= 0 && rows[state.selected]) {
      rows[state.selected].classList.remove("selected");
      rows[state.selected].removeAttribute("aria-selected");
    }
    state.selected = index;
    rows[index].classList.add("selected");
    rows[index].setAttribute("aria-selected", "true");
    if (!quiet) rows[index].scrollIntoView({block: "nearest"});
  }

  function move(step) {
    const n = state.items.length;
    const target = state.selected + step;
    if (target >= n && state.offset + n < state.total) {
      state.offset += state.limit;
      load("first");
    } else if (target < 0 && state.offset > 0) {
      state.offset = Math.max(0, state.offset - state.limit);
      load("last");
    } else {
      select(target);
    }
  }

  async function review(action) {
    if (!canReview) { NE.toast("Your account can read but not review.", true); return; }
    const ev = state.items[state.selected];
    if (!ev) return;
    try {
      const updated = await NE.api("POST", `/api/v1/events/${encodeURIComponent(ev.pk)}/${action}`, {version: ev.version});
      const merged = updated && updated.pk !== undefined ? updated
        : Object.assign({}, ev, {review_status: action === "accept" ? "accepted" : "rejected", version: (ev.version || 0) + 1});
      state.items[state.selected] = merged;
      const index = state.selected;
      tbody.replaceChild(row(merged, index), tbody.rows[index]);
      select(index, true);
      NE.toast(`${action === "accept" ? "Accepted" : "Rejected"} event ${ev.id || ev.pk}`);
      move(1);
    } catch (err) {
      if (err.status === 409) {
        NE.toast("Someone else changed this event; the table was reloaded.", true);
        load();
      } else {
        NE.toast(`Could not ${action}: ${err.message}`, true);
      }
    }
  }

  for (const th of document.querySelectorAll("th[data-sort]")) {
    th.tabIndex = 0;
    const sortBy = () => {
      if (state.sort === th.dataset.sort) state.order = state.order === "asc" ? "desc" : "asc";
      else { state.sort = th.dataset.sort; state.order = th.dataset.sort === "date" || th.dataset.sort === "confidence" ? "desc" : "asc"; }
      state.offset = 0;
      load("first");
    };
    th.addEventListener("click", sortBy);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter") sortBy(); });
  }
  document.getElementById("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); load("first"); });
  document.getElementById("next").addEventListener("click", () => { state.offset += state.limit; load("first"); });
  pageSize.addEventListener("change", () => { state.limit = parseInt(pageSize.value, 10); state.offset = 0; load("first"); });
  document.getElementById("help-button").addEventListener("click", () => help.showModal());

  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target;
    if (target.closest && target.closest("input, select, textarea, [contenteditable]")) {
      if (e.key === "Escape") target.blur();
      return;
    }
    if (help.open && e.key !== "?") return;
    const ev = state.items[state.selected];
    switch (e.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": review("accept"); break;
      case "r": review("reject"); break;
      case "e": if (ev) window.location.href = NE.eventUrl(ev.pk); break;
      case "o": if (ev && ev.article_id) window.location.href = NE.articleUrl(ev.article_id); break;
      case "/": document.getElementById("f-q").focus(); break;
      case "?": if (help.open) help.close(); else help.showModal(); break;
      default: return;
    }
    e.preventDefault();
  });

  load("first");
})();
