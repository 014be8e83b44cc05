// Behaviour of the public and portal pages, kept out of the HTML so that the
// Content-Security-Policy needs no 'unsafe-inline' for scripts.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // After a refused sign-up: the summary of what to correct (or the message) is focused and
  // scrolled to, so a phone shows it first.
  ["signup-errors", "form-message"].some(function (id) {
    var box = document.getElementById(id);
    if (box) { box.focus({preventScroll: true}); box.scrollIntoView({block: "start"}); }
    return Boolean(box);
  });
  // The request form: the building list offers only the chosen neighbourhood's buildings
  // (without a script it offers all of them, grouped by neighbourhood).
  var neighbourhood = document.getElementById("neighbourhood");
  var building = document.getElementById("building");
  if (neighbourhood && building && building.querySelector("optgroup")) {
    var onlyTheChosen = function () {
      var chosen = neighbourhood.selectedIndex > 0
        ? neighbourhood.options[neighbourhood.selectedIndex].text : null;
      building.querySelectorAll("optgroup").forEach(function (group) {
        var other = chosen !== null && group.label !== "" && group.label !== chosen;
        group.hidden = other;
        group.disabled = other;
      });
      var picked = building.options[building.selectedIndex];
      if (picked && picked.parentElement.disabled) { building.value = ""; }
    };
    neighbourhood.addEventListener("change", onlyTheChosen);
    onlyTheChosen();
  }
  var copy = document.getElementById("copy-button");
  if (copy) {
    copy.addEventListener("click", function () {
      var input = document.getElementById(copy.dataset.copy);
      var status = document.getElementById("copy-status");
      var done = function () { status.textContent = copy.dataset.copied; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(done, function () { input.select(); });
      } else {
        input.select(); document.execCommand("copy"); done();
      }
    });
  }
})();
