// One event: its fields, source sentence, review trail, and the correction form.
"use strict";

(() => {
  const main = document.getElementById("main");
  const pk = main.dataset.eventPk;
  const canReview = main.dataset.canReview === "yes";
  const form = document.getElementById("edit-form");
  const message = document.getElementById("edit-message");
  let event = null;

  const num = (v) => (v === null || v === undefined || v === "" ? null : Number(v));
  const fatalitiesValue = (f) => (f === null || f === undefined ? null : typeof f === "number" ? f : (f.max ?? f.min ?? null));
  const locationName = (loc) => (loc ? (typeof loc === "string" ? loc : loc.name || "") : "");

  // The form's view of an event: field name -> value, in the PATCH field names.
  function formValues(ev) {
    const date = ev.date || {};
    const count = ev.count || {};
    return {
      "date.value": date.value || "",
      "date.precision": date.precision || "unknown",
      "type": ev.type || "",
      "location": locationName(ev.location),
      "count.min": count.min ?? null,
      "count.max": count.max ?? null,
      "fatalities": fatalitiesValue(ev.fatalities),
      "claim.status": (ev.claim && ev.claim.status) || "asserted",
      "background": Boolean(ev.background),
    };
  }

  function readForm() {
    const f = form.elements;
    return {
      "date.value": f.namedItem("date.value").value.trim(),
      "date.precision": f.namedItem("date.precision").value,
      "type": f.namedItem("type").value,
      "location": f.namedItem("location").value.trim(),
      "count.min": num(f.namedItem("count.min").value),
      "count.max": num(f.namedItem("count.max").value),
      "fatalities": num(f.namedItem("fatalities").value),
      "claim.status": f.namedItem("claim.status").value,
      "background": f.namedItem("background").checked,
    };
  }

  function fillForm(ev) {
    const values = formValues(ev);
    const f = form.elements;
    for (const [name, value] of Object.entries(values)) {
      const input = f.namedItem(name);
      if (!input) continue;
      if (input.type === "checkbox") input.checked = Boolean(value);
      else input.value = value === null ? "" : String(value);
    }
    f.namedItem("reason").value = "";
  }

  function fieldRow(name, value, cls) {
    return NE.el("tr", {class: cls || null}, NE.el("th", {text: name}), NE.el("td", {}, value));
  }

  function actorList(list) {
    const ul = NE.el("ul", {class: "actor-list"});
    for (const a of list || []) {
      const name = NE.actorName(a);
      const bits = [a.kind, a.role, a.affiliation].filter(Boolean).join(", ");
      const label = a.person_pk !== undefined && a.person_pk !== null
        ? NE.el("a", {href: NE.personUrl(a.person_pk), text: name})
        : a.person_id ? NE.el("a", {href: NE.personUrl(a.person_id), text: name}) : NE.el("span", {text: name});
      ul.append(NE.el("li", {}, label, bits ? ` (${bits})` : ""));
    }
    return ul;
  }

  function render(ev) {
    event = ev;
    document.getElementById("event-title").textContent = `${ev.type || "Event"} ${ev.id ? "· " + ev.id : ""}`;
    document.title = `Event ${ev.id || pk} · newsevents`;
    const status = document.getElementById("event-status");
    status.textContent = NE.statusOf(ev);
    status.className = `status s-${NE.statusOf(ev)}`;
    const link = document.getElementById("event-article");
    if (ev.article_id) {
      link.setAttribute("href", NE.articleUrl(ev.article_id) + (ev.id ? `#event-${encodeURIComponent(ev.id)}` : ""));
      link.textContent = `article ${ev.article_id}`;
    }
    // The sentence, with the trigger marked when its offsets fall inside it.
    const quote = document.getElementById("event-sentence");
    NE.clear(quote);
    const sentence = NE.sentenceText(ev);
    const s0 = ev.sentence && Number.isInteger(ev.sentence.start) ? ev.sentence.start : null;
    const t = ev.trigger && typeof ev.trigger === "object" ? ev.trigger : null;
    if (sentence && s0 !== null && t && Number.isInteger(t.start) && t.start >= s0 && t.end - s0 <= sentence.length) {
      quote.append(sentence.slice(0, t.start - s0),
        NE.el("mark", {class: "hl k-trigger", text: sentence.slice(t.start - s0, t.end - s0)}),
        sentence.slice(t.end - s0));
    } else {
      quote.textContent = sentence;
    }
    const table = document.getElementById("event-fields");
    NE.clear(table);
    const date = ev.date || {};
    const names = ev.type_names ? [ev.type_names.acled_event_type, ev.type_names.acled_sub_event_type].filter(Boolean).join(" / ") : "";
    table.append(
      fieldRow("type", `${ev.type || ""}${names ? " — " + names : ""}`),
      fieldRow("trigger", NE.triggerText(ev)),
      fieldRow("date", [NE.dateText(date), date.precision, date.text ? `“${date.text}”` : "", date.basis ? `(${date.basis})` : ""].filter(Boolean).join(" "), "f-date"),
      fieldRow("place", NE.placeText(ev.location)),
      fieldRow("coordinates", ev.location && ev.location.lat !== null && ev.location.lat !== undefined ? `${ev.location.lat}, ${ev.location.lon}` : ""),
      fieldRow("agents", actorList(ev.agents)),
      fieldRow("targets", actorList(ev.targets)),
      fieldRow("count", NE.countText(ev.count)),
      fieldRow("fatalities", NE.countText(ev.fatalities)),
      fieldRow("claim", [NE.claimText(ev.claim), ev.claim && ev.claim.source ? `by ${ev.claim.source}` : "", ev.claim && ev.claim.cue ? `“${ev.claim.cue}”` : ""].filter(Boolean).join(" ")),
      fieldRow("background", ev.background ? "yes (recalled earlier event)" : "no"),
      fieldRow("confidence", typeof ev.confidence === "number" ? ev.confidence.toFixed(2) : ""),
      fieldRow("version", String(ev.version ?? "")));
    fillForm(ev);
    main.dataset.loaded = "yes";
  }

  async function loadReviews() {
    const list = document.getElementById("reviews");
    let data;
    try {
      data = await NE.api("GET", `/api/v1/events/${encodeURIComponent(pk)}/reviews`);
    } catch (err) {
      NE.clear(list);
      list.append(NE.el("li", {class: "meta", text: `Review trail unavailable: ${err.message}`}));
      return;
    }
    const items = Array.isArray(data) ? data : (data.items || []);
    NE.clear(list);
    if (!items.length) list.append(NE.el("li", {class: "meta", text: "Not reviewed yet."}));
    for (const r of items) {
      const before = r.before !== undefined ? r.before : r.old_value;
      const after = r.after !== undefined ? r.after : r.new_value;
      const show = (v) => (v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));
      list.append(NE.el("li", {},
        NE.el("span", {class: "meta", text: `${r.at || r.created_at || r.when || ""} ${r.reviewer || r.user || r.username || ""}`}), " ",
        NE.el("strong", {text: r.action || ""}), r.field ? ` ${r.field}: ` : " ",
        r.field || before !== undefined ? [NE.el("del", {text: show(before)}), " → ", NE.el("ins", {text: show(after)})] : null,
        r.reason ? NE.el("span", {class: "meta", text: ` (${r.reason})`}) : null));
    }
  }

  async function load() {
    try {
      render(await NE.api("GET", `/api/v1/events/${encodeURIComponent(pk)}`));
    } catch (err) {
      document.getElementById("event-title").textContent = err.status === 404 ? "No such event" : "Could not load the event";
      NE.toast(err.message, true);
      return;
    }
    loadReviews();
  }

  function showMessage(text, isError) {
    message.textContent = text;
    message.className = isError ? "message error" : "message ok";
  }

  async function act(action) {
    if (!event) return;
    try {
      const updated = await NE.api("POST", `/api/v1/events/${encodeURIComponent(pk)}/${action}`, {version: event.version});
      if (updated && updated.pk !== undefined) render(updated); else await load();
      showMessage(action === "accept" ? "Accepted." : "Rejected.");
      loadReviews();
    } catch (err) {
      showMessage(err.status === 409 ? "Someone else changed this event meanwhile: reload the page to see their change." : err.message, true);
    }
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!event) return;
    const before = formValues(event);
    const now = readForm();
    const changes = {};
    for (const [name, value] of Object.entries(now)) {
      if (value !== before[name]) changes[name] = value;
    }
    if (!Object.keys(changes).length) { showMessage("Nothing changed."); return; }
    if ("fatalities" in changes && changes.fatalities !== null) {
      changes.fatalities = {min: changes.fatalities, max: changes.fatalities};
    }
    const body = {version: event.version, changes};
    const reason = form.elements.namedItem("reason").value.trim();
    if (reason) body.reason = reason;
    try {
      const updated = await NE.api("PATCH", `/api/v1/events/${encodeURIComponent(pk)}`, body);
      if (updated && updated.pk !== undefined) render(updated); else await load();
      showMessage(`Saved: ${Object.keys(changes).join(", ")}.`);
      loadReviews();
    } catch (err) {
      showMessage(err.status === 409 ? "Someone else changed this event meanwhile: reload the page and apply your correction again." : err.message, true);
    }
  });

  if (canReview) {
    document.getElementById("accept").addEventListener("click", () => act("accept"));
    document.getElementById("reject").addEventListener("click", () => act("reject"));
    document.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.target.closest("input, select, textarea")) return;
      if (e.key === "a") act("accept");
      else if (e.key === "r") act("reject");
      else if (e.key === "e") document.getElementById("e-date").focus();
      else return;
      e.preventDefault();
    });
  }

  load();
})();
