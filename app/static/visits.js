// The portal's visit list: an unsent record is never lost. What is typed in a visit's forms
// (notes, the household's request) and the chosen outcome live in localStorage until the server
// has the record (the card then says "recorded" and the draft is dropped). Kept out of the HTML
// so the Content-Security-Policy needs no inline script.
(function () {
  "use strict";
  var page = document.getElementById("visits-page");
  if (!page) { return; }
  var justRecorded = page.dataset.recorded;
  var typedFields = function (form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrf_token" && (el.tagName === "TEXTAREA" ||
        el.tagName === "SELECT" || el.type === "text");
    });
  };
  document.querySelectorAll(".visit").forEach(function (card) {
    var id = card.dataset.visit;
    card.querySelectorAll("form").forEach(function (form, n) {
      var key = "linli-visit-" + id + (n ? "-" + n : "");
      var fields = typedFields(form);
      var snapshot = function (extra) {
        var values = extra || {};
        fields.forEach(function (el) { values[el.name] = el.value; });
        return values;
      };
      var saved = null;
      try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
      if (String(justRecorded) === id) { localStorage.removeItem(key); saved = null; }
      if (saved) {
        fields.forEach(function (el) {
          if (saved[el.name] !== undefined) { el.value = saved[el.name]; }
        });
        card.classList.add("border-warning");
      }
      fields.forEach(function (el) {
        el.addEventListener(el.tagName === "SELECT" ? "change" : "input", function () {
          localStorage.setItem(key, JSON.stringify(snapshot()));
        });
      });
      form.addEventListener("submit", function (event) {
        var outcome = event.submitter ? event.submitter.value : "";
        localStorage.setItem(key, JSON.stringify(snapshot({outcome: outcome})));
        if (!navigator.onLine) {
          event.preventDefault();
          card.classList.add("border-warning");
          alert(page.dataset.offline);
        }
      });
    });
  });
})();
