// Search-as-you-type for pickers whose choices live on the server: an input with
// data-suggest (a JSON address; the typed text is appended) fills its datalist with the
// answer's {value, label} rows as one types. Without script the input is a plain text field
// that takes an id or a name typed in full.
(function () {
  "use strict";
  var timers = new WeakMap();
  var asked = new WeakMap();
  function suggest(input) {
    var list = document.getElementById(input.getAttribute("list") || "");
    var text = input.value.trim();
    if (!list || asked.get(input) === text) return;
    asked.set(input, text);
    fetch(input.getAttribute("data-suggest") + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (rows) {
        if (!rows || input.value.trim() !== text) return;  // a later text is on its way
        list.replaceChildren.apply(list, rows.map(function (row) {
          var option = document.createElement("option");
          option.value = row.value;
          option.textContent = row.value + " " + row.label;
          return option;
        }));
        input.setAttribute("data-suggested", text);  // for tests: the answer is in
      })
      .catch(function () { asked.delete(input); });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.hasAttribute("data-suggest")) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { suggest(input); }, 200));
  });
})();
