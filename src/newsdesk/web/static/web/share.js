/* The story page's share control: the system share sheet where the browser has one,
   else the link copied to the clipboard. Without JavaScript it stays a plain link to
   the story (to open, copy or bookmark). No third party is involved. */
(function () {
  "use strict";
  document.querySelectorAll("a[data-share]").forEach(function (link) {
    var status = document.getElementById(link.getAttribute("data-share-status"));
    function say(text) {
      if (status) { status.textContent = text; }
    }
    link.addEventListener("click", function (event) {
      var data = {
        title: link.getAttribute("data-share-title") || document.title,
        url: link.getAttribute("data-share-url") || link.href
      };
      if (navigator.share) {
        event.preventDefault();
        navigator.share(data).catch(function () { /* the reader closed the sheet */ });
      } else if (navigator.clipboard && window.isSecureContext) {
        event.preventDefault();
        navigator.clipboard.writeText(data.url).then(
          function () { say(link.getAttribute("data-copied")); },
          function () { say(link.getAttribute("data-copy-failed")); }
        );
      }
      /* otherwise the link is followed: the story's own address, ready to copy */
    });
  });
})();
