// Safe DOM building: every piece of data goes in as text (createTextNode) or through
// setAttribute on a short list of harmless attributes. Nothing here parses HTML.

export const SVG_NS = "http://www.w3.org/2000/svg";

// Attributes a caller may set. Event handlers (on*), style strings built from data and
// raw href are not among them: links go through safeUrl() and link().
const SAFE_ATTR = /^(id|class|title|role|tabindex|type|name|value|for|lang|colspan|scope|disabled|hidden|checked|selected|placeholder|min|max|step|rows|cols|size|multiple|open|rel|target|(aria|data)-[a-z0-9-]+|viewBox|x|y|x1|y1|x2|y2|cx|cy|r|d|width|height|fill|stroke|stroke-width|stroke-opacity|fill-opacity|opacity|points|transform|text-anchor|dominant-baseline|font-size|font-weight|preserveAspectRatio|stroke-linecap|stroke-linejoin|stroke-dasharray|vector-effect|pointer-events|focusable|rx|ry|dx|dy|fill-rule|clip-path)$/;

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (!SAFE_ATTR.test(key)) throw new Error(`attribute not allowed: ${key}`);
    el.setAttribute(key, value === true ? "" : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element: h("td", {class: "n"}, "text", otherNode). Strings become text nodes. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  return append(el, children);
}

/** An SVG element, same rules as h(). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  return append(el, children);
}

/** Remove every child, then append the given ones. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** The URL when it is an absolute http(s) address, else null (javascript:, data:, relative ...). */
export function safeUrl(url) {
  if (typeof url !== "string") return null;
  const trimmed = url.trim();
  if (!/^https?:\/\//i.test(trimmed)) return null;
  try {
    const parsed = new URL(trimmed);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A link to an http(s) address, opened in a new tab; any other URL is shown as plain text. */
export function link(url, label) {
  const href = safeUrl(url);
  const text = label === undefined || label === null || label === "" ? String(url ?? "") : label;
  if (!href) return h("span", { class: "url-text" }, text);
  const a = h("a", { rel: "noopener noreferrer nofollow", target: "_blank" }, text);
  a.href = href; // a vetted http(s) URL
  return a;
}

/** A number with thousands separators. */
export function fmt(n) {
  return typeof n === "number" ? n.toLocaleString("en") : String(n ?? "");
}
