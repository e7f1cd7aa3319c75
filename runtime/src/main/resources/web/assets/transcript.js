// A thread's conversation, built from its stored messages and its event stream. Each run is a
// block: the user's message, then the agent's steps in order (streamed text, tool calls with their
// results, collapsible), and the run's state. Events are applied once each, in stream order; a
// step's text is rebuilt when a new attempt streams it again, and replaced by message.completed.
import {h, replace} from "./ui.js";

/** The states a run does not leave. */
export const ENDED = new Set(["completed", "failed", "interrupted", "cancelled"]);

export class Transcript {
  constructor() {
    this.element = h("ol", {class: "transcript", role: "log", "aria-live": "polite", "aria-label": "Conversation"});
    this.runs = new Map();
    this.onChange = () => {};
  }

  /** The messages stored for the thread: user messages open run blocks; answers fill them until events arrive. */
  load(messages) {
    for (const message of messages) {
      if (!message.runId) continue;
      const run = this.run(message.runId);
      if (message.role === "user") {
        run.userText = message.text;
        replace(run.user, message.text);
      } else if (!run.fromEvents) {
        run.history.push(message.text);
        run.steps.append(h("div", {class: "step text history"}, message.text));
        if (run.state === "unknown") this.setState(run, "completed");
      }
    }
  }

  /** A run the user just posted, shown before its first event arrives. */
  posted(runId, text) {
    const run = this.run(runId);
    run.userText = text;
    replace(run.user, text);
    if (run.state === "unknown") this.setState(run, "queued");
  }

  apply(type, data) {
    if (!data.runId) return;
    const run = this.run(data.runId);
    if (!run.fromEvents && (type === "run.queued" || type === "run.started")) {
      // The stream has this run from its start: it is the whole story, the stored answer is not needed.
      run.fromEvents = true;
      run.steps.replaceChildren();
      run.stepTexts.clear();
    }
    switch (type) {
      case "run.queued":
        this.setState(run, "queued");
        break;
      case "run.started":
        this.setState(run, "running");
        break;
      case "message.delta": {
        const step = this.textStep(run, data.step);
        const attempt = `${data.attempt ?? 1}.${data.retry ?? 0}`;
        if (step.attempt !== attempt) {
          // A retried or resumed step streams again from its beginning.
          step.attempt = attempt;
          step.element.textContent = "";
        }
        step.element.textContent += data.text ?? "";
        break;
      }
      case "message.completed":
        this.textStep(run, data.step).element.textContent = data.text ?? "";
        break;
      case "tool.call":
        this.toolCall(run, data);
        break;
      case "tool.result":
        this.toolResult(run, data);
        break;
      case "run.completed":
        this.setState(run, "completed");
        break;
      case "run.failed":
        this.setState(run, "failed", data.error);
        break;
      case "run.interrupted":
        this.setState(run, "interrupted", data.reason);
        break;
      case "run.cancelled":
        this.setState(run, "cancelled", data.reason);
        break;
      default:
        return;
    }
    this.onChange(run);
  }

  /** The run that has not ended yet, newest first (the one Stop stops). */
  activeRun() {
    return [...this.runs.values()].reverse().find((run) => run.state === "queued" || run.state === "running") ?? null;
  }

  run(runId) {
    let run = this.runs.get(runId);
    if (run) return run;
    const user = h("p", {class: "user-text"});
    const steps = h("div", {class: "steps"});
    const badge = h("span", {class: "state", dataset: {state: "unknown"}}, "");
    const note = h("p", {class: "run-note", hidden: true});
    const element = h("li", {class: "run", dataset: {run: runId, state: "unknown"}},
      h("div", {class: "bubble user"}, h("span", {class: "who"}, "You"), user),
      h("div", {class: "bubble agent"}, h("span", {class: "who"}, "Agent ", badge), steps, note));
    run = {id: runId, element, user, steps, badge, note, state: "unknown", stepTexts: new Map(), tools: new Map(), history: [],
      fromEvents: false, userText: ""};
    this.runs.set(runId, run);
    this.element.append(element);
    return run;
  }

  setState(run, state, why) {
    run.state = state;
    run.element.dataset.state = state;
    run.badge.dataset.state = state;
    run.badge.textContent = state;
    run.badge.setAttribute("aria-label", "Run " + state);
    if (why) {
      run.note.hidden = false;
      run.note.textContent = (state === "failed" ? "Error: " : "Reason: ") + why;
    }
    if (ENDED.has(state)) run.element.setAttribute("aria-busy", "false");
    else run.element.setAttribute("aria-busy", "true");
  }

  textStep(run, step) {
    let text = run.stepTexts.get(step);
    if (!text) {
      text = {element: h("div", {class: "step text", dataset: {step}}), attempt: null};
      run.stepTexts.set(step, text);
      this.place(run, text.element, step);
    }
    return text;
  }

  toolCall(run, data) {
    if (run.tools.has(data.callId)) return;
    const result = h("pre", {class: "tool-result"}, "…");
    const element = h("details", {class: "step tool", dataset: {step: data.step, call: data.callId}},
      h("summary", {}, h("span", {class: "tool-name"}, data.name), h("span", {class: "tool-status"}, " running")),
      h("p", {class: "label"}, "Arguments"), h("pre", {class: "tool-args"}, JSON.stringify(data.arguments ?? {}, null, 2)),
      h("p", {class: "label"}, "Result"), result);
    run.tools.set(data.callId, {element, result});
    this.place(run, element, data.step);
  }

  toolResult(run, data) {
    if (!run.tools.has(data.callId)) this.toolCall(run, {...data, arguments: {}});
    const tool = run.tools.get(data.callId);
    tool.result.textContent = typeof data.content === "string" ? data.content : JSON.stringify(data.content, null, 2);
    tool.element.querySelector(".tool-status").textContent = data.error ? " failed" : " done";
    tool.element.classList.toggle("failed", Boolean(data.error));
  }

  /** Keeps the steps in step order whatever order their first events came in. */
  place(run, element, step) {
    const later = [...run.steps.children].find((child) => Number(child.dataset.step) > Number(step));
    run.steps.insertBefore(element, later ?? null);
  }
}
