// eventwire dashboard: filters kept in the URL, a timeline, an actor network, a map, the
// events table with each event's reports, an article view and a "code this text" box.
// Data from the JSON API (docs/api.md) is always inserted as text (see dom.js).

import { h, replace, link, fmt } from "./dom.js";
import { highlighted, evidenceSentence } from "./highlight.js";
import { drawTimeline, legend as timelineLegend, QUADS } from "./timeline.js";
import { drawNetwork, legend as networkLegend } from "./network.js";
import { drawMap, legend as mapLegend } from "./map.js";

const EVENT_TYPES = [
  "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
];
const FILTERS = ["since", "until", "actor", "dyad", "event_type", "status", "min_confidence"];
const DEFAULTS = { status: "asserted", by: "week", sort: "-date", offset: 0 };
const PAGE = 25;
const NETWORK_EDGES = 60;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- the API

class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

async function api(path, { params, body } = {}) {
  const url = new URL(path, document.baseURI);
  if (params) url.search = params.toString();
  const init = body === undefined
    ? { headers: { Accept: "application/json" } }
    : { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(url, init);
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const message = (data && data.error && data.error.message) || `${res.status} ${res.statusText}`;
    throw new ApiError(message, res.status);
  }
  return data;
}

// ---------------------------------------------------------------- state <-> URL <-> form

/** The dashboard's state from the page's query string. */
function stateFromUrl() {
  const q = new URLSearchParams(location.search);
  const state = { ...DEFAULTS };
  for (const key of FILTERS) if (q.get(key)) state[key] = q.get(key).trim();
  if (["day", "week", "month"].includes(q.get("by"))) state.by = q.get("by");
  if (q.get("sort")) state.sort = q.get("sort");
  state.offset = Math.max(0, parseInt(q.get("offset") || "0", 10) || 0);
  return state;
}

/** The query string for a state: only what differs from the defaults. */
function queryFor(state) {
  const q = new URLSearchParams();
  for (const key of [...FILTERS, "by", "sort", "offset"]) {
    const value = state[key];
    if (value === undefined || value === null || value === "") continue;
    if (DEFAULTS[key] !== undefined && String(DEFAULTS[key]) === String(value)) continue;
    q.set(key, value);
  }
  const str = q.toString();
  return str ? `?${str}` : location.pathname;
}

/** The API's filter parameters for a state. */
function filterParams(state, extra = {}) {
  const q = new URLSearchParams();
  for (const key of FILTERS) if (state[key]) q.set(key, state[key]);
  if (!state.status) q.set("status", DEFAULTS.status);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

function typeBoxes() {
  return [...document.querySelectorAll("#f-types-list input[type=checkbox]")];
}

function updateTypesSummary() {
  const chosen = typeBoxes().filter((b) => b.checked).map((b) => b.value);
  $("f-types-summary").textContent = chosen.length ? `Event types: ${chosen.join(", ")}` : "Event types: all";
}

function formFromState(state) {
  $("f-since").value = state.since || "";
  $("f-until").value = state.until || "";
  $("f-actor").value = state.actor || "";
  $("f-dyad").value = state.dyad || "";
  $("f-min-confidence").value = state.min_confidence || "";
  const status = $("f-status");
  if (![...status.options].some((o) => o.value === (state.status || DEFAULTS.status))) {
    status.appendChild(h("option", { value: state.status }, state.status)); // a list from a shared URL
  }
  status.value = state.status || DEFAULTS.status;
  const types = new Set((state.event_type || "").toUpperCase().split(",").map((t) => t.trim()).filter(Boolean));
  for (const box of typeBoxes()) box.checked = types.has(box.value);
  updateTypesSummary();
  for (const radio of document.querySelectorAll("input[name=by]")) radio.checked = radio.value === state.by;
  $("events-sort").value = state.sort;
}

function stateFromForm() {
  const state = { ...current };
  state.since = $("f-since").value;
  state.until = $("f-until").value;
  state.actor = $("f-actor").value.trim();
  state.dyad = $("f-dyad").value.trim().toUpperCase();
  state.min_confidence = $("f-min-confidence").value;
  state.status = $("f-status").value;
  state.event_type = typeBoxes().filter((b) => b.checked).map((b) => b.value).join(",");
  state.offset = 0;
  return state;
}

let current = stateFromUrl();
let lastSearch = location.search; // the query string the views show

/** Make `state` current: into the URL (a new history entry unless `replaceEntry`), then
 * query every view again. */
function go(state, { replaceEntry = false } = {}) {
  current = state;
  const url = queryFor(state) + location.hash;
  if (replaceEntry) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  lastSearch = location.search;
  formFromState(state);
  refresh();
}

// ---------------------------------------------------------------- messages

function showMessage(text) {
  const el = $("message");
  el.textContent = text;
  el.hidden = !text;
}

function errorNote(err) {
  return h("p", { class: "error", role: "alert" }, `Could not load: ${err.message}`);
}

// ---------------------------------------------------------------- views

// Each view counts its requests: an answer that arrives after a newer request was made
// for the same view is dropped.
const requests = {};
function ticket(view) {
  const n = (requests[view] = (requests[view] || 0) + 1);
  return () => requests[view] !== n;
}

let refreshes = 0;

/** Query every view again; the page's body gets data-loaded="N" when the Nth is done. */
async function refresh() {
  const n = ++refreshes;
  showMessage("");
  const results = await Promise.allSettled([
    loadTimeline(ticket("timeline")),
    loadNetwork(ticket("network")),
    loadMap(ticket("map")),
    loadEvents(ticket("events")),
  ]);
  if (n !== refreshes) return;
  const failed = results.find((r) => r.status === "rejected");
  if (failed) showMessage(failed.reason.message);
  document.body.dataset.loaded = String(n);
}

async function busy(sectionId, stale, work) {
  const section = $(sectionId);
  section.setAttribute("aria-busy", "true");
  try {
    await work();
  } catch (err) {
    if (!stale()) {
      section.querySelector(".error")?.remove();
      section.appendChild(errorNote(err));
    }
    throw err;
  } finally {
    if (!stale()) section.removeAttribute("aria-busy");
  }
}

function clearErrors(sectionId) {
  for (const el of $(sectionId).querySelectorAll(".error")) el.remove();
}

function loadTimeline(stale) {
  return busy("timeline-view", stale, async () => {
    const stats = await api("api/stats", { params: filterParams(current, { by: current.by }) });
    if (stale()) return;
    clearErrors("timeline-view");
    drawTimeline($("timeline"), stats, (since, until) => go({ ...current, since, until, offset: 0 }));
    const totals = stats.totals || {};
    const byQuad = totals.by_quad_class || {};
    const byType = Object.entries(totals.by_type || {}).sort((a, b) => b[1] - a[1]).slice(0, 5);
    replace(
      $("timeline-summary"),
      `${fmt(totals.events ?? 0)} events · `,
      QUADS.map((q) => `${q.name} ${fmt(byQuad[q.quad] ?? byQuad[String(q.quad)] ?? 0)}`).join(" · "),
      byType.length ? ` · most: ${byType.map(([t, n]) => `${t} ${fmt(n)}`).join(", ")}` : "",
    );
  });
}

function loadNetwork(stale) {
  return busy("network-view", stale, async () => {
    const net = await api("api/network", { params: filterParams(current, { limit: NETWORK_EDGES }) });
    if (stale()) return;
    clearErrors("network-view");
    drawNetwork($("network"), net, (code) => go({ ...current, actor: code, offset: 0 }));
    const nodes = (net.nodes || []).length;
    const edges = (net.edges || []).length;
    $("network-summary").textContent = `${nodes} actors, ${edges} links${edges >= NETWORK_EDGES ? ` (the ${NETWORK_EDGES} with most events)` : ""} · click an actor to filter by it`;
  });
}

function loadMap(stale) {
  return busy("map-view", stale, async () => {
    const data = await api("api/map", { params: filterParams(current) });
    if (stale()) return;
    clearErrors("map-view");
    await drawMap($("map"), data);
    const top = [...(data.countries || [])].sort((a, b) => b.events - a.events).slice(0, 8);
    $("map-summary").textContent = top.length
      ? `Most events (by the place's country): ${top.map((c) => `${c.country} ${fmt(c.events)}`).join(", ")}`
      : "No events with a place for these filters";
  });
}

function sides(actors) {
  if (!actors || !actors.length) return "—";
  return actors.map((a) => a.code || a.name || a.text || "?").join(", ");
}

function sidesTitle(actors) {
  return (actors || []).map((a) => `${a.text}${a.name && a.name !== a.text ? ` (${a.name})` : ""}${a.code ? ` = ${a.code}` : ""}`).join("; ");
}

function place(loc) {
  if (!loc || !loc.text) return "";
  return loc.country ? `${loc.text} (${loc.country})` : loc.text;
}

function confidence(c) {
  return typeof c === "number" ? c.toFixed(2) : "";
}

function eventKey(ev) {
  return ev.event_id || ev.id;
}

function loadEvents(stale) {
  return busy("events-view", stale, async () => {
    const params = filterParams(current, { limit: PAGE, offset: current.offset, sort: current.sort });
    const page = await api("api/events", { params });
    if (stale()) return;
    clearErrors("events-view");
    const body = $("events-body");
    const rows = (page.events || []).map((ev) => {
      const tr = h(
        "tr",
        { tabindex: 0, "data-testid": "event-row", "data-id": eventKey(ev), class: `q${ev.quad_class}`, title: "Show this event's reports" },
        h("td", { class: "date" }, ev.date || ""),
        h("td", {}, h("span", { class: `type q${ev.quad_class}` }, ev.event_type || "")),
        h("td", {}, ev.cameo || ""),
        h("td", { title: sidesTitle(ev.source) }, sides(ev.source)),
        h("td", { title: sidesTitle(ev.target) }, sides(ev.target)),
        h("td", {}, place(ev.location)),
        h("td", {}, ev.status || ""),
        h("td", { class: "n" }, confidence(ev.confidence)),
        h("td", { class: "n" }, fmt(ev.num_mentions ?? 1)),
      );
      const open = () => openEvent(eventKey(ev));
      tr.addEventListener("click", open);
      tr.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          open();
        }
      });
      return tr;
    });
    if (!rows.length) rows.push(h("tr", {}, h("td", { colspan: 9, class: "empty" }, "No events for these filters")));
    replace(body, rows);
    const total = page.total ?? 0;
    const first = total ? page.offset + 1 : 0;
    const last = Math.min(total, page.offset + (page.events || []).length);
    const totalEl = $("events-total");
    totalEl.textContent = `${fmt(first)}–${fmt(last)} of ${fmt(total)} events`;
    totalEl.dataset.total = String(total);
    $("prev-page").disabled = page.offset <= 0;
    $("next-page").disabled = last >= total;
  });
}

// ---------------------------------------------------------------- one event

function articleHash(docId) {
  return `#article=${encodeURIComponent(docId)}`;
}

function eventSummary(ev) {
  const quad = QUADS.find((q) => q.quad === ev.quad_class);
  const rows = [
    ["Type", `${ev.event_type} (CAMEO ${ev.cameo || "?"}; ${quad ? quad.name : "quad ?"}; Goldstein ${ev.goldstein ?? "?"})`],
    ["Date", `${ev.date || "?"}${ev.date_text ? ` (“${ev.date_text}”)` : ""}`],
    ["Source", sidesTitle(ev.source) || "—"],
    ["Target", sidesTitle(ev.target) || "—"],
    ["Place", place(ev.location) || "—"],
    ["Status", `${ev.status}${ev.attribution ? `, said by ${ev.attribution}` : ""}`],
    ["Confidence", confidence(ev.confidence)],
  ];
  return h("dl", { class: "facts" }, rows.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

function mentionItem(m) {
  const trigger = m.evidence || {};
  const pseudo = { event_type: "", evidence: trigger, source: [], target: [] };
  return h(
    "li",
    { class: "mention", "data-testid": "mention", "data-doc-id": m.doc_id },
    h(
      "div",
      { class: "meta" },
      h("strong", { class: "outlet" }, m.source || "unknown outlet"),
      " · ",
      h("span", { class: "published" }, m.published || "undated"),
      " · ",
      `${m.status}, confidence ${confidence(m.confidence)}`,
    ),
    m.title ? h("div", { class: "title" }, m.url ? link(m.url, m.title) : m.title) : null,
    evidenceSentence(pseudo, { "data-testid": "mention-evidence" }),
    h(
      "button",
      { type: "button", class: "open-article", "data-testid": "open-article" },
      "Open the article",
    ),
  );
}

async function openEvent(id) {
  const section = $("event-detail");
  section.hidden = false;
  replace($("event-body"), h("p", { class: "loading" }, "Loading…"));
  try {
    const ev = await api(`api/events/${encodeURIComponent(id)}`);
    const mentions = ev.mentions || [];
    const list = h("ol", { class: "mentions" }, mentions.map(mentionItem));
    list.querySelectorAll(".open-article").forEach((button, i) => {
      button.addEventListener("click", () => {
        location.hash = articleHash(mentions[i].doc_id);
      });
    });
    replace($("event-body"), eventSummary(ev), h("h3", {}, `Reports (${mentions.length})`), list);
    section.dataset.id = id;
  } catch (err) {
    replace($("event-body"), errorNote(err));
  }
  section.scrollIntoView({ block: "nearest" });
}

// ---------------------------------------------------------------- one article

function eventLine(ev) {
  return [
    h("span", { class: `type q${ev.quad_class}` }, ev.event_type || ""),
    ` ${ev.cameo || ""} `,
    h("span", { class: "dyad" }, `${sides(ev.source)} → ${sides(ev.target)}`),
    h("span", { class: "muted" }, ` ${ev.date || ""} · ${ev.status || ""} · ${confidence(ev.confidence)}`),
  ];
}

function spanLegend() {
  return h(
    "p",
    { class: "span-legend" },
    h("mark", { class: "hl hl-actor" }, "actor"),
    " ",
    h("mark", { class: "hl hl-trigger" }, "trigger"),
    " ",
    h("mark", { class: "hl hl-evidence" }, "evidence sentence"),
    " — point at a highlight for its code",
  );
}

/** Mark the spans of one event (and its list item) as active in a text. */
function linkEventsToText(textEl, listEl) {
  const select = (id) => {
    for (const mark of textEl.querySelectorAll("mark.active")) mark.classList.remove("active");
    for (const li of listEl.querySelectorAll("li.active")) li.classList.remove("active");
    if (!id) return;
    const marks = [...textEl.querySelectorAll("mark")].filter((m) => (m.dataset.events || "").split(" ").includes(id));
    for (const m of marks) m.classList.add("active");
    for (const li of listEl.querySelectorAll("li")) if (li.dataset.id === id) li.classList.add("active");
    marks[0]?.scrollIntoView({ block: "nearest" });
  };
  for (const li of listEl.querySelectorAll("li")) {
    li.addEventListener("click", () => select(li.dataset.id));
    li.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        select(li.dataset.id);
      }
    });
  }
  textEl.addEventListener("click", (e) => {
    const mark = e.target.closest("mark[data-events]");
    if (mark && mark.dataset.events) select(mark.dataset.events.split(" ")[0]);
  });
}

function eventList(events, testid) {
  return h(
    "ol",
    { class: "event-list", "data-testid": testid },
    events.map((ev) =>
      h(
        "li",
        { tabindex: 0, "data-id": ev.id, "data-testid": `${testid}-item`, title: "Highlight this event in the text" },
        eventLine(ev),
        ev.evidence && ev.evidence.part === "title" ? h("span", { class: "muted" }, " (headline)") : null,
        " ",
        h("button", { type: "button", class: "reports", "data-id": ev.id, title: "This event's reports in every article" }, "reports"),
      ),
    ),
  );
}

async function openArticle(id) {
  const section = $("article-view");
  section.hidden = false;
  replace($("article-body"), h("p", { class: "loading" }, "Loading…"));
  try {
    const art = await api(`api/articles/${encodeURIComponent(id)}`);
    const text = highlighted(art.text || "", art.spans || [], "div", { id: "article-text", class: "article-text", "data-testid": "article-text" });
    const list = eventList(art.events || [], "article-events");
    linkEventsToText(text, list);
    for (const button of list.querySelectorAll("button.reports")) {
      button.addEventListener("click", (e) => {
        e.stopPropagation();
        openEvent(button.dataset.id);
      });
    }
    replace(
      $("article-body"),
      h("h3", { id: "article-title", "data-testid": "article-title" }, art.title || "(no title)"),
      h(
        "p",
        { class: "meta", "data-testid": "article-meta" },
        h("span", {}, art.source || "unknown outlet"),
        " · ",
        h("span", {}, art.published || "undated"),
        art.url ? [" · ", link(art.url)] : null,
        " · ",
        h("code", { class: "doc-id" }, art.id),
      ),
      spanLegend(),
      h(
        "div",
        { class: "article-grid" },
        text,
        h("aside", { class: "article-events", "aria-label": "events coded in this article" }, h("h4", {}, `Events (${(art.events || []).length})`), list),
      ),
    );
    section.dataset.id = id;
  } catch (err) {
    replace($("article-body"), errorNote(err));
  }
  section.scrollIntoView({ block: "start" });
}

function closeArticle() {
  $("article-view").hidden = true;
  replace($("article-body"));
}

let routed = null;

/** #article=ID opens an article, #event=ID an event. */
function route() {
  if (location.hash === routed) return;
  routed = location.hash;
  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get("article")) openArticle(hash.get("article"));
  else closeArticle();
  if (hash.get("event")) openEvent(hash.get("event"));
}

// ---------------------------------------------------------------- code this text

async function codeText(e) {
  e.preventDefault();
  const text = $("code-text").value;
  const out = $("code-result");
  if (!text.trim()) {
    replace(out, h("p", { class: "error", role: "alert" }, "Paste a text to code first."));
    return;
  }
  const body = { text };
  if ($("code-date").value) body.date = $("code-date").value;
  replace(out, h("p", { class: "loading" }, "Coding…"));
  $("code-submit").disabled = true;
  try {
    const res = await api("api/code", { body });
    if (res.status === "skipped") {
      replace(out, h("p", { class: "error", role: "alert", "data-testid": "code-summary" }, `Not coded: ${res.reason || "skipped"}`));
      return;
    }
    const events = res.events || [];
    const textEl = highlighted(res.text ?? text, res.spans || [], "div", { class: "article-text", "data-testid": "code-text-highlighted" });
    const list = h(
      "ol",
      { class: "event-list coded", "data-testid": "code-events" },
      events.map((ev) =>
        h("li", { tabindex: 0, "data-id": ev.id, "data-testid": "code-event" }, h("div", {}, eventLine(ev)), evidenceSentence(ev, { "data-testid": "code-evidence" })),
      ),
    );
    linkEventsToText(textEl, list);
    replace(
      out,
      h("p", { class: "summary", "data-testid": "code-summary" }, `${events.length} event${events.length === 1 ? "" : "s"} coded`),
      spanLegend(),
      h("div", { class: "article-grid" }, textEl, h("aside", { class: "article-events" }, list)),
    );
  } catch (err) {
    replace(out, h("p", { class: "error", role: "alert" }, `Could not code the text: ${err.message}`));
  } finally {
    $("code-submit").disabled = false;
  }
}

// ---------------------------------------------------------------- start

async function health() {
  try {
    const hz = await api("healthz");
    $("health").textContent = `${fmt(hz.events)} events (all statuses) · ${fmt(hz.articles)} articles · v${hz.version}`;
  } catch (err) {
    $("health").textContent = `server not reachable: ${err.message}`;
  }
}

function init() {
  $("f-types-list").replaceChildren(
    ...EVENT_TYPES.map((t) => h("label", {}, h("input", { type: "checkbox", name: "event_type", value: t, "data-testid": `type-${t}` }), ` ${t}`)),
  );
  for (const box of typeBoxes()) box.addEventListener("change", updateTypesSummary);
  $("timeline-legend").appendChild(timelineLegend());
  $("network-legend").appendChild(networkLegend());
  $("map-legend").appendChild(mapLegend());

  $("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    go(stateFromForm());
  });
  $("reset").addEventListener("click", () => go({ ...DEFAULTS, by: current.by }));
  for (const radio of document.querySelectorAll("input[name=by]")) {
    radio.addEventListener("change", () => {
      current = { ...current, by: radio.value };
      history.replaceState(null, "", queryFor(current) + location.hash);
      lastSearch = location.search;
      loadTimeline(ticket("timeline")).catch((err) => showMessage(err.message));
    });
  }
  $("events-sort").addEventListener("change", () => go({ ...current, sort: $("events-sort").value, offset: 0 }));
  $("prev-page").addEventListener("click", () => go({ ...current, offset: Math.max(0, current.offset - PAGE) }));
  $("next-page").addEventListener("click", () => go({ ...current, offset: current.offset + PAGE }));
  $("event-close").addEventListener("click", () => {
    $("event-detail").hidden = true;
  });
  $("article-close").addEventListener("click", () => {
    history.pushState(null, "", queryFor(current));
    routed = "";
    closeArticle();
  });
  $("code-form").addEventListener("submit", codeText);
  window.addEventListener("popstate", () => {
    // also fired when only the hash changed: query again only for other filters
    if (location.search !== lastSearch) {
      lastSearch = location.search;
      current = stateFromUrl();
      formFromState(current);
      refresh();
    }
    route();
  });
  window.addEventListener("hashchange", route);

  formFromState(current);
  health();
  refresh();
  route();
}

init();
