// The chat page: the org's threads, one thread's conversation streaming live, the composer with
// Send and Stop, and the sandbox panel beside it.
import {follow} from "./sse.js";
import {SandboxPanel} from "./sandbox.js";
import {ENDED, Transcript} from "./transcript.js";
import {attempt, errorBox, h, loading, replace} from "./ui.js";

export function chatPage(session, threadId) {
  const threadList = h("ul", {class: "threads", "aria-label": "Threads"});
  const listStatus = h("div", {class: "list-status"}, loading("threads"));
  const newThread = h("button", {type: "button", class: "primary"}, "New thread");
  const conversation = h("section", {class: "conversation", "aria-label": "Chat"});
  const panel = new SandboxPanel(session, threadId);
  const page = h("div", {class: "chat-page"},
    h("nav", {class: "thread-nav", "aria-label": "Threads"}, newThread, listStatus, threadList),
    conversation,
    panel.element);

  newThread.addEventListener("click", () => attempt(listStatus, newThread, async () => {
    const created = await session.api.post(session.path("/threads"), {title: "Chat " + new Date().toLocaleString()});
    location.hash = "#/chat/" + created.id;
  }));

  attempt(listStatus, null, async () => {
    const {threads} = await session.api.get(session.path("/threads"));
    listStatus.replaceChildren(threads.length ? "" : h("p", {class: "empty"}, "No threads yet."));
    for (const thread of threads) {
      const link = h("a", {href: "#/chat/" + thread.id, "aria-current": thread.id === threadId ? "page" : false}, thread.title || "Untitled");
      threadList.append(h("li", {}, link));
    }
  });

  let view = null;
  if (threadId) {
    view = threadView(session, threadId, conversation, () => panel.refreshPreview());
  } else {
    replace(conversation, h("div", {class: "empty-chat"}, h("h2", {}, "Start a conversation"),
      h("p", {}, "Pick a thread or make a new one. ",
        session.me.model.provider === "dev"
          ? "The platform runs the offline dev model: it echoes, and /tool <name> <json> makes it call a tool."
          : "")));
  }
  return {element: page, close() { view?.close(); panel.close(); }};
}

function threadView(session, threadId, container, onRunEnded) {
  const transcript = new Transcript();
  const streamState = h("span", {class: "stream-state", role: "status"}, "connecting…");
  const errors = h("div", {class: "chat-errors"});
  const input = h("textarea", {id: "message", rows: 3, placeholder: "Message the agent (Enter sends, Shift+Enter for a new line)",
    "aria-label": "Message"});
  const send = h("button", {type: "submit", class: "primary"}, "Send");
  const stop = h("button", {type: "button", class: "danger", hidden: true}, "Stop");
  const form = h("form", {class: "composer"}, input, h("div", {class: "composer-actions"}, stop, send));
  replace(container, h("header", {class: "conversation-head"}, h("h2", {}, "Thread"), streamState),
    h("div", {class: "transcript-scroll"}, transcript.element), errors, form);

  const updateStop = () => {
    const active = transcript.activeRun();
    stop.hidden = !active;
    stop.dataset.run = active?.id ?? "";
  };
  transcript.onChange = (run) => {
    updateStop();
    if (ENDED.has(run.state) && !run.endSeen) {
      run.endSeen = true;
      onRunEnded();
    }
    const scroller = container.querySelector(".transcript-scroll");
    scroller.scrollTop = scroller.scrollHeight;
  };

  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    attempt(errors, send, async () => {
      const posted = await session.api.post(session.path(`/threads/${threadId}/messages`), {text});
      input.value = "";
      transcript.posted(posted.runId, text);
      updateStop();
    });
  });
  stop.addEventListener("click", () => attempt(errors, stop, async () => {
    if (stop.dataset.run) await session.api.post(session.path(`/runs/${stop.dataset.run}/cancel`));
  }));

  let stream = null;
  attempt(errors, null, async () => {
    const thread = await session.api.get(session.path(`/threads/${threadId}`));
    container.querySelector(".conversation-head h2").textContent = thread.title || "Thread";
    transcript.load(thread.messages ?? (await session.api.get(session.path(`/threads/${threadId}/messages`))).messages);
    updateStop();
    stream = follow(session.path(`/threads/${threadId}/stream`), session.token, {
      onEvent: (type, data) => transcript.apply(type, data),
      onState: (state, message) => {
        streamState.textContent = state === "live" ? "live" : state === "reconnecting" ? "reconnecting…" : "stream failed";
        streamState.dataset.state = state;
        if (state === "failed") errors.replaceChildren(errorBox(message));
      },
    });
  });
  input.focus();
  return {close() { stream?.stop(); }};
}
