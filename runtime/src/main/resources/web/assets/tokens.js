// Admin: the org's API tokens. A new token is shown once; revoking one takes effect everywhere at once.
import {attempt, field, h, loading, replace, time} from "./ui.js";

const TIERS = ["privileged", "paid", "registered", "anonymous"];

export function tokensPage(session) {
  const table = h("div", {}, loading("tokens"));
  const errors = h("div");
  const name = h("input", {type: "text", name: "name", required: true, maxlength: 200});
  const tier = h("select", {name: "tier"}, TIERS.map((t) => h("option", {value: t, selected: t === "paid"}, t)));
  const create = h("button", {type: "submit", class: "primary"}, "Create token");
  const shown = h("div", {class: "secret-once", role: "status"});
  const form = h("form", {class: "inline-form"}, field("Name", name), field("Tier", tier), create);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(errors, create, async () => {
      const token = await session.api.post(session.path("/tokens"), {name: name.value, tier: tier.value});
      replace(shown, h("p", {}, "Copy the token now; it is not shown again:"), h("code", {class: "token-value"}, token.token));
      name.value = "";
      await load();
    });
  });

  async function load() {
    const {tokens} = await session.api.get(session.path("/tokens"));
    const rows = tokens.map((token) => {
      const revoke = h("button", {type: "button", class: "danger", "aria-label": `Revoke ${token.name}`}, "Revoke");
      revoke.addEventListener("click", () => attempt(errors, revoke, async () => {
        await session.api.delete(session.path(`/tokens/${token.id}`));
        await load();
      }));
      return h("tr", {}, h("td", {}, token.name), h("td", {}, token.tier), h("td", {}, time(token.createdAt)),
        h("td", {}, token.revokedAt ? "revoked " + time(token.revokedAt) : revoke));
    });
    replace(table, tokens.length
      ? h("table", {}, h("thead", {}, h("tr", {}, ["Name", "Tier", "Created", ""].map((c) => h("th", {scope: "col"}, c)))), h("tbody", {}, rows))
      : h("p", {class: "empty"}, "No tokens yet."));
  }

  attempt(table, null, load);
  return {element: h("section", {class: "admin-page", "aria-label": "Tokens"}, h("h2", {}, "API tokens"), form, shown, errors, table)};
}
