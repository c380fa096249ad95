/* Relative times ("2 h ago") kept true on cached pages: each <time data-relative>
   is relabelled from its datetime attribute on load and every minute, with the site's
   own words (the JSON block #relative-time-labels; see web/times.py). Without
   JavaScript the server's label stays. */
(function () {
  "use strict";
  var data = document.getElementById("relative-time-labels");
  if (!data || !window.Intl || !Intl.PluralRules) { return; }
  var words = JSON.parse(data.textContent);
  var plural = new Intl.PluralRules(document.documentElement.lang || "en");

  function form(pair, count) {
    return (plural.select(count) === "one" ? pair[0] : pair[1]).replace("%(count)d", count);
  }

  function label(seconds) {
    var minutes = Math.floor(seconds / 60);
    var hours = Math.floor(seconds / 3600);
    var days = Math.floor(seconds / 86400);
    if (minutes < 1) { return words.now; }
    if (hours < 1) { return form(words.minutes, minutes); }
    if (days < 1) { return form(words.hours, hours); }
    if (days < 7) { return form(words.days, days); }
    return null; /* a date: the server's label does not go stale */
  }

  function refresh() {
    var now = Date.now();
    var times = document.querySelectorAll("time[data-relative]");
    for (var i = 0; i < times.length; i++) {
      var at = Date.parse(times[i].getAttribute("datetime"));
      if (isNaN(at)) { continue; }
      var text = label(Math.max(0, (now - at) / 1000));
      if (text !== null && times[i].textContent !== text) { times[i].textContent = text; }
    }
  }

  refresh();
  window.setInterval(refresh, 60000);
}());
