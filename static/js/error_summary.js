// The GOV.UK error summary (templates/includes/error_summary.html): take the focus when the page
// loads, so people hear and see the problems first; each link then moves the focus to its field,
// with the field's label and message scrolled into view too.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (!summary || summary.hasAttribute("data-ready")) {
    return;
  }
  summary.setAttribute("data-ready", "");
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    (field.closest(".field-group, fieldset") || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
