// The studio's shell: sign-in with an API token (kept in sessionStorage, so only for this browser
// session), the org switcher, the navigation and the hash router that shows one page at a time.
import {Api} from "./api.js";
import {bundlesPage} from "./bundles.js";
import {chatPage} from "./chat.js";
import {connectionsPage} from "./connections.js";
import {tokensPage} from "./tokens.js";
import {attempt, field, h, replace} from "./ui.js";

const TOKEN_KEY = "studio.token";
const ORG_KEY = "studio.org";
const root = document.getElementById("app");
let session = null;
let page = null;

class Session {
  constructor(token, me, orgs) {
    this.token = token;
    this.me = me;
    this.orgs = orgs;
    this.api = new Api(token);
    const stored = sessionStorage.getItem(ORG_KEY);
    this.org = me.org?.slug ?? (orgs.some((o) => o.slug === stored) ? stored : orgs[0]?.slug ?? null);
  }

  path(rest) {
    return `/api/${encodeURIComponent(this.org)}${rest}`;
  }
}

async function signIn(token) {
  const api = new Api(token);
  const me = await api.get("/api/me");
  const orgs = me.admin ? (await api.get("/api/orgs")).orgs : [me.org];
  sessionStorage.setItem(TOKEN_KEY, token);
  return new Session(token, me, orgs);
}

function signOut() {
  page?.close?.();
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ORG_KEY);
  session = null;
  location.hash = "";
  showSignIn();
}

function showSignIn(message) {
  const token = h("input", {type: "password", name: "token", autocomplete: "off", required: true, placeholder: "stk_…"});
  const button = h("button", {type: "submit", class: "primary"}, "Sign in");
  const errors = h("div");
  const form = h("form", {class: "sign-in"},
    h("h1", {}, "Studio"),
    h("p", {}, "Sign in with an API token of your organisation. It is kept for this browser session only."),
    field("API token", token), errors, button);
  if (message) errors.append(h("p", {class: "error", role: "alert"}, message));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(errors, button, async () => {
      session = await signIn(token.value.trim());
      render();
    });
  });
  replace(root, h("main", {class: "centered"}, form));
  root.removeAttribute("aria-busy");
  token.focus();
}

function header() {
  const nav = h("nav", {class: "main-nav", "aria-label": "Main"},
    link("#/chat", "Chat"),
    session.me.admin ? link("#/tokens", "Tokens") : null,
    link("#/connections", "Connections"),
    link("#/bundles", "Bundles"));
  const orgSelect = h("select", {id: "org", "aria-label": "Organisation", disabled: session.orgs.length < 2},
    session.orgs.map((org) => h("option", {value: org.slug, selected: org.slug === session.org}, org.name || org.slug)));
  orgSelect.addEventListener("change", () => {
    session.org = orgSelect.value;
    sessionStorage.setItem(ORG_KEY, session.org);
    location.hash = "#/chat";
    render();
  });
  const model = session.me.model;
  const badge = h("span", {class: "model", title: "The model that answers runs"},
    model.provider === "dev" ? "dev model (offline, echoes)" : `${model.provider}${model.name ? " · " + model.name : ""}`);
  const out = h("button", {type: "button", class: "quiet"}, "Sign out");
  out.addEventListener("click", signOut);
  return h("header", {class: "top"}, h("a", {class: "brand", href: "#/chat"}, "Studio"), orgSelect, badge, nav, out);
}

function link(href, text) {
  const current = location.hash.startsWith(href);
  return h("a", {href, "aria-current": current ? "page" : false}, text);
}

function noOrg() {
  const slug = h("input", {type: "text", required: true, pattern: "[a-z0-9][-a-z0-9]*", placeholder: "acme"});
  const name = h("input", {type: "text", required: true, placeholder: "Acme"});
  const button = h("button", {type: "submit", class: "primary"}, "Create organisation");
  const errors = h("div");
  const form = h("form", {class: "sign-in"}, h("h2", {}, "No organisation yet"),
    field("Slug", slug), field("Name", name), errors, button);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    attempt(errors, button, async () => {
      await session.api.post("/api/orgs", {slug: slug.value, name: name.value});
      session = await signIn(session.token);
      render();
    });
  });
  return {element: h("div", {class: "centered"}, form)};
}

function route() {
  const [, name = "chat", id] = location.hash.replace(/^#/, "").split("/");
  if (!session.org) return noOrg();
  switch (name) {
    case "tokens": return tokensPage(session);
    case "connections": return connectionsPage(session);
    case "bundles": return bundlesPage(session);
    default: return chatPage(session, id || null);
  }
}

function render() {
  page?.close?.();
  page = route();
  replace(root, header(), h("main", {class: "page"}, page.element));
  root.removeAttribute("aria-busy");
}

window.addEventListener("hashchange", () => session && render());

async function start() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return showSignIn();
  try {
    session = await signIn(token);
    render();
  } catch (e) {
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(e.message);
  }
}

start();
