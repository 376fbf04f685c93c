// legalaid: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("submit", function (ev) {
  // Prevent double submission of a form (a second click while the first is in flight).
  var form = ev.target;
  if (form.dataset.submitted === "1") { ev.preventDefault(); return; }
  form.dataset.submitted = "1";
  var buttons = form.querySelectorAll("button[type=submit]");
  for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
});
// Focus the first field with an error, so keyboard and screen-reader users land on it.
window.addEventListener("DOMContentLoaded", function () {
  var bad = document.querySelector("[aria-invalid=true]");
  if (bad) { bad.focus(); }
});
