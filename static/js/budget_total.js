// The budget's total as people type it (the server works it out again when the form is sent,
// and shows it when the form comes back). Amounts are added in whole cents, never as floats of
// currency, and read as the server reads them: "1250.50" or "1,250.50"; a line that does not
// read as an amount is left out, and the total says so.
(function () {
  "use strict";
  var form = document.getElementById("help-request-form");
  var output = document.getElementById("budget-total-value");
  if (!form || !output) {
    return;
  }
  var zeroDecimal = (document.getElementById("budget-total").dataset.zeroDecimal || "").split(" ");
  var pattern = /^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$/;

  function cents(text) {
    var value = text.trim();
    if (!pattern.test(value)) {
      return null;
    }
    var parts = value.replace(/,/g, "").split(".");
    var fraction = ((parts[1] || "") + "00").slice(0, 2);
    return Number(parts[0]) * 100 + Number(fraction);
  }

  function update() {
    var total = 0;
    var unread = 0;
    var any = false;
    form.querySelectorAll("input[name^='line-'][name$='-amount']").forEach(function (input) {
      if (input.value.trim() === "") {
        return;
      }
      var value = cents(input.value);
      if (value === null) {
        unread += 1;
      } else {
        total += value;
        any = true;
      }
    });
    var currency = (form.querySelector("select[name='currency']") || {}).value || "";
    var whole = Math.floor(total / 100).toLocaleString("en-GB");
    var fraction = String(total % 100).padStart(2, "0");
    var places = zeroDecimal.indexOf(currency) >= 0 && fraction === "00" ? 0 : 2;
    var text = any ? whole + (places ? "." + fraction : "") + (currency ? " " + currency : "")
      : "no amounts yet";
    if (unread) {
      text += " (" + unread + " amount" + (unread === 1 ? "" : "s") + " not read: numbers only, like 1250.50)";
    }
    output.textContent = text;
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
})();
