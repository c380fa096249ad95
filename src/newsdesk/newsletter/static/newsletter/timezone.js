/* Pre-select the browser's time zone in a zone list the subscriber has not chosen from
   yet (the select says so with data-browser-zone="suggest"). Without JavaScript the list
   works as it is. */
(function () {
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) return;
  document.querySelectorAll('select[data-browser-zone="suggest"]').forEach(function (select) {
    var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
    if (!option || select.value === zone) return;
    select.value = zone;
    var note = document.getElementById(select.id + "-note");
    if (note) { note.hidden = false; }
  });
})();
