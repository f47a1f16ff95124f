// Show the funding questions only when "Funding" is ticked, and the help-only questions only
// for help requests. Without JavaScript every field stays visible and the server validates.
// A part with a problem in it always shows, so every link of the error summary has a field.
(function () {
  const form = document.getElementById("help-request-form");
  if (!form) return;
  const funding = document.getElementById("funding-fields");
  const helpOnly = form.querySelectorAll("[data-help-only]");
  const hasError = (el) => el.querySelector(".field-group-error") !== null;

  function update() {
    const type = form.querySelector("input[name=type]:checked");
    const isHelp = !type || type.value === "help";
    const fundingBox = form.querySelector("input[name=kinds][value=funding]");
    if (funding) funding.hidden = !(isHelp && fundingBox && fundingBox.checked) && !hasError(funding);
    helpOnly.forEach((el) => { el.hidden = !isHelp && !hasError(el); });
  }

  form.addEventListener("change", update);
  update();
})();
