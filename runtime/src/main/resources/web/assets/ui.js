// Small DOM helpers: the app builds its views with h() instead of a framework.

/** h("button", {class: "x", onclick: f}, "text", child...) → an element. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "dataset") {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/** A labelled form field: the label names the control for screen readers and tests. */
export function field(label, control, hint) {
  const id = control.id || (control.id = "f-" + Math.random().toString(36).slice(2, 9));
  return h("div", {class: "field"}, h("label", {for: id}, label), control, hint ? h("small", {}, hint) : null);
}

/** An error box that reads out when it appears. */
export function errorBox(message) {
  return h("p", {class: "error", role: "alert"}, message);
}

export function loading(what) {
  return h("p", {class: "loading", role: "status"}, `Loading ${what}…`);
}

/** Runs an async action, showing its error (the server's message) in `where` and disabling `button`. */
export async function attempt(where, button, action) {
  where?.replaceChildren();
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (e) {
    where?.append(errorBox(e.message));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function time(iso) {
  if (!iso) return "";
  return new Date(iso).toLocaleString();
}
