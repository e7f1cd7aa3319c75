// Server-sent events over fetch (EventSource cannot send the Authorization header). Each event's
// id is its stream sequence; a reconnect sends Last-Event-ID so the server resumes after the last
// event seen, and an event at or below it is dropped, so nothing shows twice.
import {errorOf} from "./api.js";

const RETRY_MS = 1000;

/**
 * Follows an SSE stream until stop() is called.
 * onEvent(type, data, seq) gets each event once, in order; onState(state, message) hears
 * "live", "reconnecting" or "failed" (with the server's message; no retry after 401/403/404).
 */
export function follow(url, token, {onEvent, onState = () => {}, after = 0}) {
  let last = after;
  let stopped = false;
  let controller = null;

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch(url, {
          headers: {Authorization: "Bearer " + token, Accept: "text/event-stream", "Last-Event-ID": String(last)},
          signal: controller.signal,
          cache: "no-store",
        });
        if (!response.ok) {
          const error = await errorOf(response);
          onState("failed", error.message);
          if ([401, 403, 404].includes(response.status)) return;
        } else {
          onState("live");
          await read(response.body);
        }
      } catch (e) {
        if (stopped) return;
      }
      if (stopped) return;
      onState("reconnecting");
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  async function read(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, "\n");
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
    }
  }

  function dispatch(block) {
    let id = null;
    let type = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue; // a keepalive comment
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (name === "id") id = Number(value);
      else if (name === "event") type = value;
      else if (name === "data") data.push(value);
    }
    if (data.length === 0) return;
    if (id !== null) {
      if (id <= last) return; // already shown
      last = id;
    }
    let parsed;
    try {
      parsed = JSON.parse(data.join("\n"));
    } catch {
      parsed = {text: data.join("\n")};
    }
    onEvent(type, parsed, id);
  }

  run();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
    get last() {
      return last;
    },
  };
}
