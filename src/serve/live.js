/* srebook serve: live reload and the build-problem overlay.
 * Injected into every page the preview serves; never part of a built site.
 * The server says, for this page and the generation it was served from,
 * whether to reload (see src/serve/reload.rs). */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.WebSocket) return;
  var generation = script.getAttribute("data-generation") || "0";
  var server = script.getAttribute("data-server") || "";
  var SCROLL_KEY = "srebook-live-scroll";
  var overlay = null;
  var retryDelay = 250;

  /* Put the page back where the reader was before the reload. */
  function restoreScroll() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(SCROLL_KEY) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.path !== location.pathname) return;
    try { sessionStorage.removeItem(SCROLL_KEY); } catch (e) { /* storage disabled */ }
    // "instant": the theme may ask for smooth scrolling, which would animate
    // from the top instead of just being there.
    var apply = function () {
      try { window.scrollTo({ left: saved.x, top: saved.y, behavior: "instant" }); }
      catch (e) { window.scrollTo(saved.x, saved.y); }
    };
    apply();
    if (document.readyState !== "complete") window.addEventListener("load", apply);
  }

  function reload() {
    try {
      sessionStorage.setItem(SCROLL_KEY, JSON.stringify({
        path: location.pathname, x: window.scrollX, y: window.scrollY
      }));
    } catch (e) { /* storage disabled: the browser's own restoration applies */ }
    location.reload();
  }

  function element(tag, style, text) {
    var el = document.createElement(tag);
    if (style) el.setAttribute("style", style);
    if (text) el.textContent = text;
    return el;
  }

  /* The problem overlay. Text only (textContent): messages quote sources. */
  function showProblem(problem) {
    hideProblem();
    overlay = element("div",
      "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,24,.72);" +
      "display:flex;align-items:flex-start;justify-content:center;padding:6vh 1rem;overflow:auto;" +
      "font:15px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;");
    overlay.id = "srebook-problem";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-labelledby", "srebook-problem-title");
    var box = element("div",
      "background:#fff;color:#1b1b1f;max-width:56rem;width:100%;border-radius:8px;" +
      "border-top:6px solid #c62828;box-shadow:0 12px 40px rgba(0,0,0,.35);padding:1.25rem 1.5rem;");
    var title = element("h2", "margin:0 0 .75rem;font-size:1.15rem;color:#b71c1c;", problem.headline);
    title.id = "srebook-problem-title";
    box.appendChild(title);
    var details = problem.details || [];
    for (var i = 0; i < details.length; i++) {
      if (details[i].location) {
        box.appendChild(element("div",
          "font:600 14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin-top:.75rem;",
          details[i].location));
      }
      box.appendChild(element("pre",
        "white-space:pre-wrap;word-break:break-word;margin:.35rem 0 0;padding:.75rem;background:#f6f6f8;" +
        "border-radius:4px;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;",
        details[i].message));
    }
    var foot = element("p", "margin:1rem 0 0;color:#555;font-size:13px;",
      "Fix it and save: this page reloads by itself. ");
    var close = element("button",
      "font:inherit;padding:.2rem .7rem;border:1px solid #999;border-radius:4px;background:#fff;cursor:pointer;",
      "Dismiss");
    close.type = "button";
    close.addEventListener("click", hideProblem);
    foot.appendChild(close);
    box.appendChild(foot);
    overlay.appendChild(box);
    (document.body || document.documentElement).appendChild(overlay);
  }

  function hideProblem() {
    if (overlay && overlay.parentNode) overlay.parentNode.removeChild(overlay);
    overlay = null;
  }

  var problemShown = false;

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + "/__srebook/ws?generation=" + encodeURIComponent(generation) +
      "&server=" + encodeURIComponent(server) + "&path=" + encodeURIComponent(location.pathname);
    var socket = new WebSocket(url);
    socket.onopen = function () { retryDelay = 250; };
    socket.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.reload) { reload(); return; }
      if (message.problem) {
        showProblem(message.problem);
        problemShown = true;
      } else if (problemShown) {
        // Fixed: show the page as it is now.
        reload();
      }
    };
    socket.onclose = function () {
      // Server restarting or stopped: keep trying, a little slower each time.
      window.setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 2000);
    };
  }

  restoreScroll();
  connect();
})();
