/* Studio preview bootstrap: tells the Studio window around this preview about errors and activity. */
(function () {
  "use strict";
  if (window.__studioBootstrap || window.parent === window) return;
  window.__studioBootstrap = true;
  var parentWindow = window.parent;

  function send(type, data) {
    try {
      var message = { source: "studio-preview", type: type, url: location.href, at: Date.now() };
      for (var key in data) message[key] = data[key];
      parentWindow.postMessage(message, "*");
    } catch (ignored) { /* the parent went away */ }
  }

  function describe(reason) {
    if (reason instanceof Error) return { message: String(reason.message), stack: String(reason.stack || "") };
    try { return { message: typeof reason === "string" ? reason : JSON.stringify(reason) }; }
    catch (ignored) { return { message: String(reason) }; }
  }

  window.addEventListener("error", function (event) {
    var detail = event.error ? describe(event.error) : { message: String(event.message || "error") };
    detail.file = event.filename || null;
    detail.line = event.lineno || null;
    detail.column = event.colno || null;
    send("studio:error", detail);
  });

  window.addEventListener("unhandledrejection", function (event) {
    send("studio:error", describe(event.reason));
  });

  // Activity keeps the sandbox from idling out while someone uses the preview; once every 30 s is plenty.
  var lastActivity = 0;
  function activity() {
    var now = Date.now();
    if (now - lastActivity < 30000) return;
    lastActivity = now;
    send("studio:activity", {});
  }
  ["pointerdown", "keydown", "scroll", "visibilitychange"].forEach(function (name) {
    window.addEventListener(name, activity, { passive: true, capture: true });
  });

  function navigated() { send("studio:navigate", { title: document.title }); }
  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      navigated();
      return result;
    };
  });
  window.addEventListener("popstate", navigated);
  window.addEventListener("hashchange", navigated);

  if (document.readyState === "complete") send("studio:loaded", { title: document.title });
  else window.addEventListener("load", function () { send("studio:loaded", { title: document.title }); });
})();
