// The sandbox panel: start (or find) the user's sandbox for a repository, watch its setup phases,
// see the live preview in a frame, and browse the workspace's files.
import {attempt, errorBox, field, h, replace} from "./ui.js";

const PHASES = ["launch", "config", "clone", "install", "build", "start", "preview"];
const POLL_MS = 1000;

export class SandboxPanel {
  constructor(session, threadId) {
    this.session = session;
    this.threadId = threadId;
    this.sandbox = null;
    this.timer = null;
    this.body = h("div", {class: "sandbox-body"});
    this.element = h("aside", {class: "sandbox-panel", "aria-label": "Sandbox"},
      h("header", {}, h("h2", {}, "Sandbox")), this.body);
    this.showExisting();
  }

  close() {
    clearTimeout(this.timer);
    this.timer = null;
  }

  /** Called when a run of the thread ends: the agent may have changed what the preview serves. */
  refreshPreview() {
    const frame = this.element.querySelector("iframe.preview");
    if (frame && this.sandbox?.previewUrl) frame.src = this.sandbox.previewUrl;
  }

  async showExisting() {
    replace(this.body, h("p", {class: "loading", role: "status"}, "Looking for your sandbox…"));
    const sandboxes = await attempt(this.body, null, () => this.session.api.get(this.session.path("/sandboxes")));
    if (!sandboxes) return;
    if (sandboxes.sandboxes.length) this.show(sandboxes.sandboxes[0]);
    else this.showForm();
  }

  showForm(previous) {
    const repo = h("input", {type: "text", name: "repo", required: true, placeholder: "https://github.com/you/app.git",
      value: previous?.repo ?? ""});
    const ref = h("input", {type: "text", name: "ref", placeholder: "main", value: previous?.ref ?? ""});
    const install = h("input", {type: "text", name: "install", placeholder: "npm ci"});
    const start = h("input", {type: "text", name: "start", placeholder: "npm run dev"});
    const port = h("input", {type: "number", name: "port", min: 1024, max: 65535, placeholder: "3000"});
    const button = h("button", {type: "submit", class: "primary"}, "Start sandbox");
    const errors = h("div");
    const form = h("form", {class: "sandbox-form"},
      field("Repository", repo), field("Branch or commit", ref), field("Install command", install),
      field("Start command", start), field("Dev server port", port), errors, button);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = {repo: repo.value.trim()};
      if (ref.value.trim()) body.ref = ref.value.trim();
      if (install.value.trim()) body.install = install.value.trim();
      if (start.value.trim()) body.start = start.value.trim();
      if (port.value) body.port = Number(port.value);
      if (this.threadId) body.threadId = this.threadId;
      attempt(errors, button, async () => this.show(await this.session.api.post(this.session.path("/sandboxes"), body)));
    });
    replace(this.body, h("p", {}, "Work on a repository: the agent edits it and you see the dev server live."), form);
  }

  show(sandbox) {
    this.sandbox = sandbox;
    clearTimeout(this.timer);
    const head = h("div", {class: "sandbox-head"},
      h("p", {class: "repo"}, sandbox.repo, sandbox.ref ? ` @ ${sandbox.ref}` : ""),
      h("span", {class: "state", dataset: {state: sandbox.state}, "aria-label": "Sandbox " + sandbox.state}, sandbox.state));
    const remove = h("button", {type: "button", class: "danger"}, "Delete sandbox");
    const errors = h("div");
    remove.addEventListener("click", () => attempt(errors, remove, async () => {
      await this.session.api.delete(this.session.path(`/sandboxes/${sandbox.id}`));
      this.sandbox = null;
      this.showForm(sandbox);
    }));
    if (sandbox.state === "starting") {
      replace(this.body, head, phases(sandbox.phase), errors, remove);
      this.timer = setTimeout(() => this.poll(sandbox.id), POLL_MS);
    } else if (sandbox.state === "failed") {
      const retry = h("button", {type: "button"}, "Set up again");
      retry.addEventListener("click", () => attempt(errors, retry, async () => {
        await this.session.api.delete(this.session.path(`/sandboxes/${sandbox.id}`));
        this.showForm(sandbox);
      }));
      replace(this.body, head, errorBox("Setup failed: " + sandbox.error), errors, retry);
    } else {
      this.showReady(sandbox, head, errors, remove);
    }
  }

  showReady(sandbox, head, errors, remove) {
    const frame = h("iframe", {class: "preview", title: "Preview", src: sandbox.previewUrl,
      sandbox: "allow-scripts allow-forms allow-same-origin allow-popups allow-modals"});
    const reload = h("button", {type: "button"}, "Reload preview");
    reload.addEventListener("click", () => this.refreshPreview());
    const files = new FileBrowser(this.session, sandbox);
    const useHere = this.threadId
      ? h("button", {type: "button", title: "Let this thread's agent work in the sandbox"}, "Use in this thread")
      : null;
    useHere?.addEventListener("click", () => attempt(errors, useHere, async () => {
      await this.session.api.post(this.session.path("/sandboxes"), {repo: sandbox.repo, threadId: this.threadId});
      useHere.textContent = "Used in this thread";
    }));
    replace(this.body, head,
      h("div", {class: "preview-bar"}, h("a", {href: sandbox.previewUrl, target: "_blank", rel: "noopener"}, sandbox.previewUrl),
        reload),
      frame, h("div", {class: "sandbox-actions"}, useHere, remove), errors, files.element);
  }

  async poll(id) {
    this.timer = null;
    try {
      const sandbox = await this.session.api.get(this.session.path(`/sandboxes/${id}`));
      if (this.sandbox?.id !== id) return;
      if (sandbox.state === "starting" && sandbox.phase === this.sandbox.phase) {
        this.timer = setTimeout(() => this.poll(id), POLL_MS);
        return;
      }
      this.show(sandbox);
    } catch (e) {
      replace(this.body, errorBox(e.message));
    }
  }
}

function phases(current) {
  const at = PHASES.indexOf(current);
  return h("ol", {class: "phases", "aria-label": "Setup phases"}, PHASES.map((phase, i) => {
    const state = at < 0 ? "waiting" : i < at ? "done" : i === at ? "running" : "waiting";
    return h("li", {dataset: {state}, "aria-current": state === "running" ? "step" : false}, phase);
  }));
}

class FileBrowser {
  constructor(session, sandbox) {
    this.session = session;
    this.sandbox = sandbox;
    this.list = h("ul", {class: "files", "aria-label": "Files"});
    this.viewer = h("pre", {class: "file-view", "aria-label": "File content", tabindex: 0, hidden: true});
    this.errors = h("div");
    const refresh = h("button", {type: "button"}, "List files");
    refresh.addEventListener("click", () => this.load(refresh));
    this.element = h("details", {class: "file-browser"}, h("summary", {}, "Files"), refresh, this.errors, this.list, this.viewer);
    this.element.addEventListener("toggle", () => {
      if (this.element.open && !this.list.children.length) this.load(refresh);
    });
  }

  call(name, body) {
    return this.session.api.post(this.session.path(`/sandboxes/${this.sandbox.id}/control/${name}`), body);
  }

  load(button) {
    return attempt(this.errors, button, async () => {
      const {paths} = await this.call("glob", {pattern: "**"});
      replace(this.list, paths.map((path) => {
        const open = h("button", {type: "button", class: "link"}, path);
        open.addEventListener("click", () => this.open(path, open));
        return h("li", {}, open);
      }));
      if (!paths.length) this.list.append(h("li", {class: "empty"}, "No files."));
    });
  }

  open(path, button) {
    return attempt(this.errors, button, async () => {
      const file = await this.call("read", {path});
      this.viewer.hidden = false;
      this.viewer.dataset.path = path;
      this.viewer.textContent = file.encoding === "base64" ? `(${path} is binary)` : file.content;
    });
  }
}
