// The org's MCP connections: downstream tool servers whose credentials stay in the platform's vault.
import {attempt, field, h, loading, replace, time} from "./ui.js";

export function connectionsPage(session) {
  const table = h("div", {}, loading("connections"));
  const errors = h("div");
  const name = h("input", {type: "text", name: "name", required: true});
  const url = h("input", {type: "url", name: "url", required: true, placeholder: "https://mcp.example.com/mcp"});
  const type = h("select", {name: "auth"}, ["none", "bearer", "header"].map((t) => h("option", {value: t}, t)));
  const header = h("input", {type: "text", name: "header", placeholder: "X-Api-Key"});
  const secret = h("input", {type: "password", name: "secret", autocomplete: "off"});
  const headerField = field("Header name", header);
  const secretField = field("Token or key", secret);
  const showAuth = () => {
    headerField.hidden = type.value !== "header";
    secretField.hidden = type.value === "none";
  };
  type.addEventListener("change", showAuth);
  showAuth();
  const create = h("button", {type: "submit", class: "primary"}, "Add connection");
  const form = h("form", {class: "inline-form"}, field("Name", name), field("URL", url), field("Authentication", type),
    headerField, secretField, create);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const auth = {type: type.value};
    if (type.value === "bearer") auth.token = secret.value;
    if (type.value === "header") Object.assign(auth, {header: header.value, value: secret.value});
    attempt(errors, create, async () => {
      await session.api.post(session.path("/connections"), {name: name.value, url: url.value, auth});
      form.reset();
      showAuth();
      await load();
    });
  });

  async function load() {
    const {connections} = await session.api.get(session.path("/connections"));
    replace(table, connections.length ? h("ul", {class: "cards"}, connections.map(card)) : h("p", {class: "empty"}, "No connections yet."));
  }

  function card(connection) {
    const tools = h("div", {class: "tools"});
    const list = h("button", {type: "button"}, "List tools");
    list.addEventListener("click", () => attempt(tools, list, async () => {
      const result = await session.api.get(session.path(`/connections/${connection.id}/tools`));
      replace(tools, h("ul", {}, (result.tools ?? []).map((tool) =>
        h("li", {}, h("code", {}, tool.name), tool.description ? " — " + tool.description : ""))));
    }));
    const remove = h("button", {type: "button", class: "danger", "aria-label": `Delete ${connection.name}`}, "Delete");
    remove.addEventListener("click", () => attempt(errors, remove, async () => {
      await session.api.delete(session.path(`/connections/${connection.id}`));
      await load();
    }));
    return h("li", {class: "card"}, h("h3", {}, connection.name), h("p", {}, h("code", {}, connection.url)),
      h("p", {class: "muted"}, "Auth: ", connection.auth?.type ?? "none", connection.createdAt ? " · added " + time(connection.createdAt) : ""),
      h("div", {class: "card-actions"}, list, remove), tools);
  }

  attempt(table, null, load);
  return {element: h("section", {class: "admin-page", "aria-label": "Connections"}, h("h2", {}, "MCP connections"), form, errors, table)};
}
