// The agent applications (bundles) deployed to the platform, and their operations.
import {attempt, errorBox, field, h, loading, replace} from "./ui.js";

export function bundlesPage(session) {
  const base = `/api/integrations/bundles/${encodeURIComponent(session.org)}`;
  const list = h("div", {}, loading("bundles"));

  function card(bundle) {
    const ops = (bundle.operations ?? []).map((operation) => operationForm(bundle.name, operation));
    return h("li", {class: "card"},
      h("h3", {}, bundle.name, bundle.default ? h("span", {class: "tag"}, "default") : null),
      h("p", {class: "muted"}, `${bundle.kind} · revision ${bundle.revision}`),
      ops.length ? h("div", {class: "operations"}, h("h4", {}, "Operations"), ops) : h("p", {class: "muted"}, "No operations."));
  }

  function operationForm(bundle, operation) {
    const input = h("textarea", {rows: 3, "aria-label": `Input of ${operation}`, placeholder: "{}"});
    const run = h("button", {type: "submit"}, `Run ${operation}`);
    const output = h("div", {class: "operation-output"});
    const form = h("form", {class: "operation"}, field(`${operation} input (JSON)`, input), run, output);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      let body;
      try {
        body = input.value.trim() ? JSON.parse(input.value) : {};
      } catch (e) {
        replace(output, errorBox("The input is not JSON: " + e.message));
        return;
      }
      attempt(output, run, async () => {
        const result = await session.api.post(`${base}/${encodeURIComponent(bundle)}/operations/${encodeURIComponent(operation)}`, body);
        replace(output, h("pre", {}, JSON.stringify(result, null, 2)));
      });
    });
    return form;
  }

  session.api.get(base).then(({bundles}) => {
    replace(list, bundles.length ? h("ul", {class: "cards"}, bundles.map(card)) : h("p", {class: "empty"}, "No bundles are deployed."));
  }, (e) => {
    replace(list, e.status === 404 && e.message.includes("Endpoint")
      ? h("p", {class: "empty"}, "Bundles are not enabled on this platform (it has no object store).")
      : errorBox(e.message));
  });
  return {element: h("section", {class: "admin-page", "aria-label": "Bundles"}, h("h2", {}, "Bundles"), list)};
}
