// Shared helpers of the review pages. Data from the API is only ever placed in the page with
// textContent or setAttribute on safe attributes: never as markup.
"use strict";

const NE = (() => {
  const csrf = () => {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };
  const role = () => {
    const meta = document.querySelector('meta[name="user-role"]');
    return meta ? meta.getAttribute("content") : "";
  };
  const canReview = () => ["reviewer", "admin"].includes(role());

  // el("a", {href: "/x", class: "y"}, "text", child, ...)
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else if (key === "href") node.setAttribute("href", safeHref(value));
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // Links are built from our own paths; a link taken from data must be http(s).
  function safeHref(value) {
    const s = String(value);
    if (s.startsWith("/") && !s.startsWith("//")) return s;
    try {
      const u = new URL(s, window.location.href);
      if (u.protocol === "http:" || u.protocol === "https:") return u.href;
    } catch (e) { /* not a URL */ }
    return "#";
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, url, body) {
    const headers = {Accept: "application/json"};
    const init = {method, headers, credentials: "same-origin"};
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (method !== "GET") headers["X-CSRF-Token"] = csrf();
    const response = await fetch(url, init);
    let data = null;
    const text = await response.text();
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!response.ok) {
      const err = (data && data.error) || {};
      let message = err.message || (data && typeof data.detail === "string" ? data.detail : null);
      if (!message) message = `${response.status} ${response.statusText}`;
      if (response.status === 401) message += " — sign in again.";
      throw new ApiError(response.status, err.code || String(response.status), message);
    }
    return data;
  }

  let toastTimer = null;
  function toast(message, isError) {
    const node = document.getElementById("toast");
    if (!node) return;
    node.textContent = message;
    node.className = isError ? "error" : "";
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { node.hidden = true; }, isError ? 6000 : 2500);
  }

  // --- event fields as text ---
  const dateText = (d) => {
    if (!d) return "";
    if (typeof d === "string") return d;
    let s = d.value || "";
    if (d.approx) s = "~" + s;
    return s;
  };
  const placeText = (loc) => {
    if (!loc) return "";
    if (typeof loc === "string") return loc;
    const parts = [loc.name, loc.admin1, loc.country].filter(Boolean);
    return [...new Set(parts)].join(", ");
  };
  const actorName = (a) => (typeof a === "string" ? a : (a && (a.name || a.text)) || "");
  function actorsText(ev) {
    const agents = (ev.agents || []).map(actorName).filter(Boolean);
    const targets = (ev.targets || []).map(actorName).filter(Boolean);
    if (!agents.length && !targets.length && Array.isArray(ev.actors)) {
      return ev.actors.map(actorName).filter(Boolean).join("; ");
    }
    return [agents.join(", "), targets.join(", ")].filter(Boolean).join(" → ");
  }
  const countText = (c) => {
    if (c === null || c === undefined) return "";
    if (typeof c === "number") return String(c);
    const {min, max} = c;
    if (min === null && max === null) return "";
    if (min === max) return String(min);
    if (min === null || min === undefined) return `≤${max}`;
    if (max === null || max === undefined) return `≥${min}`;
    return `${min}–${max}`;
  };
  const claimText = (c) => (c ? (typeof c === "string" ? c : c.status || "") : "");
  const triggerText = (ev) => {
    const t = ev.trigger;
    if (!t) return ev.trigger_text || "";
    return typeof t === "string" ? t : t.text || "";
  };
  const sentenceText = (ev) => {
    const s = ev.sentence;
    if (!s) return ev.sentence_text || "";
    return typeof s === "string" ? s : s.text || "";
  };
  const statusOf = (ev) => ev.review_status || "unreviewed";

  // --- filters shared by the events, map and timeline pages ---
  const FILTER_KEYS = ["q", "type", "since", "until", "place", "actor", "person", "claim", "review_status"];

  function filtersFromUrl() {
    const params = new URLSearchParams(window.location.search);
    const out = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const v = params.get(key);
      if (v) out.set(key, v);
    }
    return out;
  }

  function fillFilterForm(form, params) {
    for (const key of FILTER_KEYS) {
      const input = form.elements.namedItem(key);
      if (input) input.value = params.get(key) || "";
    }
  }

  function formFilters(form) {
    const out = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const input = form.elements.namedItem(key);
      if (input && input.value.trim()) out.set(key, input.value.trim());
    }
    return out;
  }

  // Wire a filter form: fill it from the URL, and on submit put the filters in the URL
  // (so a filtered view can be bookmarked) and call onChange(params).
  function bindFilters(onChange) {
    const form = document.getElementById("filters");
    if (!form) return filtersFromUrl();
    fillFilterForm(form, filtersFromUrl());
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const params = formFilters(form);
      const url = new URL(window.location.href);
      const keep = new URLSearchParams(url.search);
      for (const key of FILTER_KEYS) keep.delete(key);
      keep.delete("offset");
      for (const [k, v] of params) keep.set(k, v);
      url.search = keep.toString();
      history.pushState(null, "", url);
      onChange(params);
    });
    form.addEventListener("reset", () => {
      setTimeout(() => form.requestSubmit(), 0);
    });
    window.addEventListener("popstate", () => {
      const params = filtersFromUrl();
      fillFilterForm(form, params);
      onChange(params);
    });
    return filtersFromUrl();
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  const eventUrl = (pk) => `/events/${encodeURIComponent(pk)}`;
  const articleUrl = (id) => `/articles/${encodeURIComponent(id)}`;
  const personUrl = (pk) => `/people/${encodeURIComponent(pk)}`;

  return {
    el, api, ApiError, toast, csrf, role, canReview, clear, safeHref,
    dateText, placeText, actorsText, actorName, countText, claimText, triggerText, sentenceText,
    statusOf, FILTER_KEYS, filtersFromUrl, bindFilters, eventUrl, articleUrl, personUrl,
  };
})();
