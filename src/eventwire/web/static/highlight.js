// Text with highlighted spans (actor, trigger, evidence), built as nested <mark> elements
// around text nodes. Spans are character offsets into the text, as the API gives them.

import { h } from "./dom.js";

const RANK = { evidence: 0, actor: 1, trigger: 2 };
const KIND_NAME = { evidence: "evidence sentence", actor: "actor", trigger: "trigger" };

/** Spans cleaned up: inside the text, one per (start, end, kind) with their labels and
 * event ids merged, sorted so that an enclosing span comes before what it encloses. */
export function normaliseSpans(text, spans) {
  const merged = new Map();
  for (const sp of spans || []) {
    const start = Number(sp.start);
    const end = Number(sp.end);
    const kind = RANK[sp.kind] === undefined ? "evidence" : sp.kind;
    if (!Number.isInteger(start) || !Number.isInteger(end)) continue;
    if (start < 0 || end > text.length || start >= end) continue;
    const key = `${start}:${end}:${kind}`;
    let m = merged.get(key);
    if (!m) {
      m = { start, end, kind, labels: [], eventIds: [] };
      merged.set(key, m);
    }
    if (sp.label && !m.labels.includes(sp.label)) m.labels.push(String(sp.label));
    for (const id of sp.event_ids || []) if (!m.eventIds.includes(id)) m.eventIds.push(String(id));
  }
  return [...merged.values()].sort(
    (a, b) => a.start - b.start || b.end - a.end || RANK[a.kind] - RANK[b.kind],
  );
}

/** A tree of spans: each node holds the spans inside it. A span that starts inside
 * another but ends after it is cut at the other's end (spans from the coder nest:
 * actors and triggers sit inside their sentence). */
function spanTree(text, spans) {
  const root = { start: 0, end: text.length, children: [] };
  const stack = [root];
  for (const sp of spans) {
    while (stack.length > 1 && stack[stack.length - 1].end <= sp.start) stack.pop();
    const parent = stack[stack.length - 1];
    const node = { ...sp, end: Math.min(sp.end, parent.end), children: [] };
    if (node.end <= node.start) continue;
    parent.children.push(node);
    stack.push(node);
  }
  return root;
}

function markFor(node) {
  const label = node.labels.join(", ");
  const title = label ? `${KIND_NAME[node.kind]}: ${label}` : KIND_NAME[node.kind];
  return h("mark", {
    class: `hl hl-${node.kind}`,
    "data-kind": node.kind,
    "data-label": label,
    "data-start": node.start,
    "data-end": node.end,
    "data-events": node.eventIds.join(" "),
    title,
  });
}

function build(text, node, into) {
  let pos = node.start;
  for (const child of node.children) {
    if (child.start > pos) into.appendChild(document.createTextNode(text.slice(pos, child.start)));
    const mark = markFor(child);
    build(text, child, mark);
    into.appendChild(mark);
    pos = child.end;
  }
  if (node.end > pos) into.appendChild(document.createTextNode(text.slice(pos, node.end)));
}

/** An element of the given tag holding `text` with every span highlighted. */
export function highlighted(text, spans, tag = "div", attrs = {}) {
  const str = String(text ?? "");
  const container = h(tag, attrs);
  build(str, spanTree(str, normaliseSpans(str, spans)), container);
  return container;
}

/** Spans of one event inside its own evidence sentence: the trigger and the actors,
 * shifted so that they count from the sentence's first character. */
export function evidenceSpans(ev) {
  const e = ev.evidence || {};
  const base = Number(e.start) || 0;
  const spans = [];
  if (Number.isInteger(e.trigger_start) && e.trigger_start >= 0) {
    spans.push({
      start: e.trigger_start - base,
      end: e.trigger_end - base,
      kind: "trigger",
      label: ev.event_type,
    });
  }
  if (e.part === "text" || e.part === undefined) {
    for (const actor of [...(ev.source || []), ...(ev.target || [])]) {
      if (actor.start >= 0 && actor.start >= base && actor.end <= e.end) {
        spans.push({
          start: actor.start - base,
          end: actor.end - base,
          kind: "actor",
          label: actor.code || actor.text,
        });
      }
    }
  }
  return spans;
}

/** One event's evidence sentence with its trigger and actors highlighted. */
export function evidenceSentence(ev, attrs = {}) {
  const e = ev.evidence || {};
  return highlighted(e.text || "", evidenceSpans(ev), "blockquote", {
    class: "evidence",
    ...attrs,
  });
}
