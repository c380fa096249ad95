/* Progressive enhancement of the cookie banner; its form works without this script.
 * "Reject all" is recorded in the background and the banner closes where the reader is,
 * instead of reloading the page. "Accept all" still reloads (the page must be rendered
 * again with the services the visitor allowed) and "Choose" opens the settings page. */
(function () {
  "use strict";
  var form = document.querySelector(".consent-banner form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.value !== "reject") {
      return;
    }
    event.preventDefault();
    var body = new FormData(form);
    body.set("action", "reject");
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.type !== "opaqueredirect" && !response.ok) {
          throw new Error("consent choice not recorded: HTTP " + response.status);
        }
        form.closest(".consent-banner").remove();
        document.getElementById("content").focus();
      })
      .catch(function () {
        var choice = document.createElement("input");
        choice.type = "hidden";
        choice.name = "action";
        choice.value = "reject";
        form.appendChild(choice);
        form.submit();
      });
  });
})();
