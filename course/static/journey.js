// Journey map, enhancement only: after a row button the page comes back to the phase it changed
// (the server redirects to #anchor), and a phase's legend follows its name as it is typed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var anchor = form && form.querySelector("input[name=anchor]");
  if (!anchor) return;
  // Back from a row button: put focus on the phase (its legend is read out), not the page top.
  var back = /^#phases-\d+(-roles)?$/.test(location.hash) && document.getElementById(location.hash.slice(1));
  if (back) { back.setAttribute("tabindex", "-1"); back.focus(); }

  var shift = {"add-phase": 1, "up-phase": -1, "down-phase": 1, "remove-phase": -1};

  form.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=action]");
    if (!button) return;
    var parts = button.value.split(":"), verb = parts[0], i = parseInt(parts[1], 10);
    if (isNaN(i)) anchor.value = "";
    else if (verb in shift) anchor.value = "phases-" + Math.max(0, i + shift[verb]);
    else if (verb === "add-person" || verb === "remove-person") anchor.value = "phases-" + i + "-roles";
    else anchor.value = "";
  });

  form.addEventListener("input", function (event) {
    var match = /^phases-(\d+)-name$/.exec(event.target.id || "");
    var legend = match && document.querySelector("#phases-" + match[1] + " > legend");
    if (legend) legend.textContent = "Phase " + (Number(match[1]) + 1) + ": " + (event.target.value.trim() || "(no name yet)");
  });
})();
