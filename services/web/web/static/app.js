// The only script of our own (no inline scripts: the Content-Security-Policy forbids them; ADR 0017).
// It tells the user whether live updates are connected, announces live changes politely to screen readers,
// refreshes what a page shows after a reconnect (the server may have restarted), and moves focus to an error
// summary when a form comes back with errors.
(function () {
  "use strict";
  var everConnected = false;

  function setStatus(connected) {
    var status = document.getElementById("live-status");
    if (!status) { return; }
    status.textContent = status.getAttribute(connected ? "data-connected" : "data-disconnected");
    status.setAttribute("data-state", connected ? "connected" : "disconnected");
  }

  document.addEventListener("htmx:sseOpen", function () {
    setStatus(true);
    if (everConnected) {
      // Back after a break: whatever changed meanwhile is fetched again.
      document.body.dispatchEvent(new CustomEvent("svu:reconnected", { bubbles: true }));
    }
    everConnected = true;
  });
  document.addEventListener("htmx:sseError", function () { setStatus(false); });
  document.addEventListener("htmx:sseClose", function () { setStatus(false); });

  var announceTimer = null;
  document.addEventListener("htmx:sseMessage", function (event) {
    if (!event.detail || event.detail.type !== "changed") { return; }
    var announcer = document.getElementById("live-announcer");
    if (!announcer) { return; }
    // One polite announcement per burst of changes, not one per event.
    clearTimeout(announceTimer);
    announceTimer = setTimeout(function () {
      announcer.textContent = "";
      setTimeout(function () { announcer.textContent = announcer.getAttribute("data-text"); }, 50);
    }, 400);
  });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
    // A confirmation step's "back" button, and any [data-print] button: actions without inline handlers.
    document.querySelectorAll("[data-history-back]").forEach(function (button) {
      button.addEventListener("click", function () { history.back(); });
    });
  });
})();
