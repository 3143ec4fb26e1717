// Behaviour that used to sit in inline handlers, which the Content-Security-Policy forbids
// (script-src 'self'): a <select data-autosubmit> submits its form when changed.
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit")) {
    target.form.submit();
  }
});
