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
// Live check of resident ID numbers (GB 11643: 18 characters, MOD 11-2 check
// character) while typing; the server checks again on submit.
(function () {
  var W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], C = "10X98765432";
  function problem(v) {
    v = v.trim().toUpperCase();
    if (v.length === 0) { return ""; }
    if (!/^\d{17}[\dX]$/.test(v)) { return v.length < 18 ? "" : "居民身份证号码应为18位，前17位为数字，最后一位为数字或X"; }
    var s = 0;
    for (var i = 0; i < 17; i++) { s += (+v[i]) * W[i]; }
    return C[s % 11] === v[17] ? "" : "校验码不正确，请核对号码";
  }
  window.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[name=id_number]");
    var type = document.querySelector("select[name=id_type]");
    if (!input || !type) { return; }
    var note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("aria-live", "polite");
    input.parentNode.appendChild(note);
    function check() { note.textContent = type.value === "resident_id" ? problem(input.value) : ""; }
    input.addEventListener("input", check);
    type.addEventListener("change", check);
  });
})();
