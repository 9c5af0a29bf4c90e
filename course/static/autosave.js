// Autosave for exercise forms: saves a draft a moment after typing stops, keeps a copy in this
// browser until the server has it, and never overwrites work saved elsewhere (409 = conflict).
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var key = "pa-draft:" + form.getAttribute("data-autosave-key");
  var state = form.querySelector("[data-save-state]");
  var versionInput = form.querySelector("input[name=version]");
  var timer = null, stopped = false;

  function say(text) { if (state) state.textContent = text; }
  function fields() {
    var data = new FormData(form), out = [];
    data.forEach(function (value, name) { if (name !== "csrf_token" && name !== "version") out.push([name, value]); });
    return out;
  }
  function remember() {
    try { localStorage.setItem(key, JSON.stringify({version: versionInput.value, at: Date.now(), fields: fields()})); } catch (e) { /* storage full or off */ }
  }
  function forget() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  function save() {
    if (stopped) return;
    say("Saving…");
    fetch(form.getAttribute("action"), {method: "POST", body: new FormData(form), headers: {Accept: "application/json"},
                        credentials: "same-origin", redirect: "manual"})
      .then(function (response) {
        if (response.ok) return response.json().then(function (body) {
          versionInput.value = body.version; forget();
          say("Saved " + new Date().toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"}));
        });
        if (response.status === 409) {
          stopped = true;
          say("This exercise was changed in another tab or device. Press Save draft to keep your version, or reload to see the other one.");
          return;
        }
        say("Not saved: your session may have expired. Your changes are kept in this browser; sign in again and reopen this page to restore them.");
      })
      .catch(function () { say("Not saved: no connection. Your changes are kept in this browser."); });
  }

  form.addEventListener("input", function () {
    remember(); say("Unsaved changes");
    clearTimeout(timer); timer = setTimeout(save, 1500);
  });
  form.addEventListener("submit", forget);

  function restore(saved) {
    var counts = {};
    saved.fields.forEach(function (pair) {
      var all = form.querySelectorAll("[name='" + pair[0].replace(/'/g, "\\'") + "']");
      var i = counts[pair[0]] || 0, el = all[i];
      counts[pair[0]] = i + 1;
      if (!el) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = true; else el.value = pair[1];
    });
    say("Restored your unsaved changes; saving…");
    save();
  }
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved && saved.version === versionInput.value && JSON.stringify(saved.fields) !== JSON.stringify(fields())) {
    var bar = document.createElement("div");
    bar.className = "restore-bar"; bar.setAttribute("role", "alert");
    bar.innerHTML = "<p>You have changes from " + new Date(saved.at).toLocaleString() + " that were not saved.</p>";
    var yes = document.createElement("button"); yes.type = "button"; yes.className = "button"; yes.textContent = "Restore my unsaved changes";
    var no = document.createElement("button"); no.type = "button"; no.className = "button secondary"; no.textContent = "Discard them";
    yes.addEventListener("click", function () { bar.remove(); restore(saved); });
    no.addEventListener("click", function () { bar.remove(); forget(); });
    bar.appendChild(yes); bar.appendChild(no);
    form.parentNode.insertBefore(bar, form);
  }
})();
