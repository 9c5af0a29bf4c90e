// Live sizer: as the person types, fetch the server-rendered result and swap it in.
// Without this file the form still works: it submits with GET and the page re-renders.
(function () {
  "use strict";
  var form = document.querySelector("form[data-sizer-live]");
  var region = document.getElementById("sizer-result");
  var status = document.getElementById("sizer-status");
  if (!form || !region || !window.fetch || !window.URLSearchParams || !window.FormData) {
    return;
  }
  var timer = null;
  var latest = 0;

  function query(partial) {
    var params = new URLSearchParams(new FormData(form));
    params.delete("add_stage");
    Array.from(params.keys()).forEach(function (key) {
      if (!params.get(key)) {
        params.delete(key);  // empty inputs only make the link long
      }
    });
    if (partial) {
      params.set("partial", "1");
    }
    return params.toString();
  }

  function announce() {
    var result = region.querySelector("[data-headline]");
    if (status && result) {
      status.textContent = result.getAttribute("data-headline");
    }
  }

  function refresh() {
    var ticket = ++latest;  // only the newest answer may replace the result
    var base = form.action.split(/[?#]/)[0];
    region.setAttribute("aria-busy", "true");
    fetch(base + "?" + query(true), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("sizer answered " + response.status);
        }
        return response.text();
      })
      .then(function (html) {
        if (ticket !== latest) {
          return;
        }
        region.innerHTML = html;
        announce();
        if (window.history && window.history.replaceState) {
          window.history.replaceState(null, "", base + "?" + query(false));
        }
      })
      .catch(function () { /* keep the page as it is: the submit button still works */ })
      .then(function () {
        if (ticket === latest) {
          region.removeAttribute("aria-busy");
        }
      });
  }

  function soon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
})();
