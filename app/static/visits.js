// The portal's visit list: an unsent record is never lost. Notes and the chosen outcome live
// in localStorage until the server has the record (the card then says "recorded" and the
// draft is dropped). Kept out of the HTML so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  var page = document.getElementById("visits-page");
  if (!page) { return; }
  var key = function (id) { return "linli-visit-" + id; };
  var justRecorded = page.dataset.recorded;
  document.querySelectorAll(".visit").forEach(function (card) {
    var id = card.dataset.visit, form = card.querySelector("form"), notes = form.elements.notes;
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key(id)) || "null"); } catch (e) { saved = null; }
    if (String(justRecorded) === id) { localStorage.removeItem(key(id)); saved = null; }
    if (saved && saved.notes !== undefined) {
      notes.value = saved.notes;
      card.classList.add("border-warning");
    }
    notes.addEventListener("input", function () {
      localStorage.setItem(key(id), JSON.stringify({notes: notes.value}));
    });
    form.addEventListener("submit", function (event) {
      var outcome = event.submitter ? event.submitter.value : "";
      localStorage.setItem(key(id), JSON.stringify({notes: notes.value, outcome: outcome}));
      if (!navigator.onLine) {
        event.preventDefault();
        card.classList.add("border-warning");
        alert(page.dataset.offline);
      }
    });
  });
})();
