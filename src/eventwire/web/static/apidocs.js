// The API's own description (/openapi.json) as a page that works offline: each endpoint
// with its summary, parameters and request body. Text only, built with dom.js.
import { h } from "./dom.js";

function schemaText(schema) {
  if (!schema) return "";
  if (schema.$ref) return schema.$ref.split("/").pop();
  if (schema.anyOf) return schema.anyOf.map(schemaText).filter(Boolean).join(" | ");
  if (schema.type === "array") return `${schemaText(schema.items)}[]`;
  return schema.type || "";
}

function parameters(op) {
  const rows = (op.parameters || []).map((p) =>
    h("tr", {}, h("td", {}, h("code", {}, p.name)), h("td", {}, p.in),
      h("td", {}, schemaText(p.schema)), h("td", {}, p.required ? "required" : ""),
      h("td", {}, p.description || (p.schema && p.schema.description) || "")));
  if (!rows.length) return null;
  return h("table", { class: "params" },
    h("thead", {}, h("tr", {}, ...["name", "in", "type", "", "meaning"].map((t) => h("th", {}, t)))),
    h("tbody", {}, ...rows));
}

function body(op) {
  const content = op.requestBody && op.requestBody.content;
  if (!content) return null;
  const json = content["application/json"];
  return h("p", {}, "Body (JSON): ", h("code", {}, schemaText(json && json.schema)));
}

async function main() {
  const root = document.getElementById("apidocs");
  const spec = await (await fetch("/openapi.json")).json();
  root.replaceChildren(h("h1", {}, `${spec.info.title} ${spec.info.version}`),
    h("p", {}, spec.info.description || ""));
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      root.append(h("section", { class: "endpoint", "data-testid": "endpoint" },
        h("h2", {}, h("code", {}, `${method.toUpperCase()} ${path}`)),
        h("p", {}, op.summary || ""), op.description ? h("p", {}, op.description) : null,
        parameters(op), body(op)));
    }
  }
}

main().catch((err) => {
  document.getElementById("apidocs").replaceChildren(h("p", {}, `Could not read /openapi.json: ${err}`));
});
