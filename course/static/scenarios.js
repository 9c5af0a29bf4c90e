// Saving a scenario: copy the sizer form's current values into the save form as it is sent,
// because the live sizer may have changed them since the page was drawn. Without this file the
// hidden fields hold the values the page was drawn with, which is what the person last sized.
(function () {
  "use strict";
  var save = document.querySelector("form[data-scenario-save]");
  var sizer = document.querySelector("form[data-sizer-live]");
  if (!save || !sizer || !window.FormData) {
    return;
  }
  save.addEventListener("submit", function () {
    Array.prototype.forEach.call(save.querySelectorAll("[data-scenario-input]"), function (old) {
      old.parentNode.removeChild(old);
    });
    new FormData(sizer).forEach(function (value, name) {
      if (name === "add_stage") {
        return;
      }
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      input.setAttribute("data-scenario-input", "");
      save.appendChild(input);
    });
  });
})();
