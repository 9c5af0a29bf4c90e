// Stage criteria: as the person types, ask the checker (POST /api/v1/criteria/check) about the
// stages in the form and redraw the feedback beside each criterion and the process score.
// Without this file the same feedback appears after each save. Learner text is only ever set
// with textContent.
(function () {
  "use strict";
  var root = document.querySelector("[data-criteria-editor]");
  if (!root || !window.fetch || !window.JSON) return;
  var url = root.getAttribute("data-check-url");
  var journey = [];
  try { journey = JSON.parse(root.getAttribute("data-journey") || "[]"); } catch (e) { journey = []; }
  var scoreText = root.querySelector("[data-score-text]");
  var meter = root.querySelector("[data-score-meter]");
  var live = root.querySelector("[data-score-live]");
  var checkErrors = root.querySelector("[data-check-errors]");
  var WORDS = {entry: "Entry criterion", exit: "Exit criterion"};
  var MAX_DAYS = 3650, MAX_TEXT = 500, MAX_LINES = 50;
  var LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/;  // as Python's splitlines
  var timer = null, ticket = 0;
  var lastPercent = scoreText && /^\d+%$/.test(scoreText.textContent) ? scoreText.textContent : null;

  function stages() { return Array.prototype.slice.call(root.querySelectorAll("fieldset[data-stage]")); }
  function field(stage, name) { return stage.querySelector("[data-field='" + name + "']"); }
  function lines(stage, name) {
    var box = field(stage, name);
    if (!box) return [];
    return box.value.split(LINE_BREAK).map(function (line) { return line.trim().slice(0, MAX_TEXT); })
      .filter(function (line) { return line !== ""; }).slice(0, MAX_LINES);
  }
  function days(stage) {
    var box = field(stage, "max_days"), text = box ? box.value.trim() : "";
    var n = /^[0-9]{1,6}$/.test(text) ? parseInt(text, 10) : NaN;
    return n >= 1 && n <= MAX_DAYS ? n : null;  // as the server does: the rest is checked as none
  }
  function request() {
    var body = {stages: stages().map(function (stage, i) {
      var name = field(stage, "name");
      return {name: (name && name.value.trim().slice(0, 100)) || "Stage " + (i + 1),
              entry: lines(stage, "entry"), exit: lines(stage, "exit"), drop_out: lines(stage, "drop_out"),
              max_days: days(stage)};
    })};
    if (journey.length) body.journey = journey;
    return body;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function findingItem(f, id) {
    var li = el("li", "finding finding-" + f.severity);
    if (id) { li.id = id; li.tabIndex = -1; }
    li.appendChild(el("span", "finding-rule", f.rule + " · " + f.severity));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "finding-message", f.message));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("span", "finding-hint", "How to fix: " + f.hint));
    return li;
  }
  function fill(list, findings, idOf) {
    if (!list) return;
    list.textContent = "";
    findings.forEach(function (f, n) { list.appendChild(findingItem(f, idOf(f, n))); });
  }
  function fillCriteria(box, prefix, kind, checked) {
    if (!box) return;
    box.textContent = "";
    checked.forEach(function (c, j) {
      if (!c.findings.length) return;
      var block = el("div", "criterion-check");
      block.appendChild(el("p", "criterion-quote", WORDS[kind] + " " + (j + 1) + ": “" + c.text + "”"));
      var list = el("ul", "findings");
      fill(list, c.findings, function (f) { return prefix + "-" + kind + "-" + j + "-" + f.rule; });
      block.appendChild(list);
      box.appendChild(block);
    });
  }
  function showScore(percent) {
    var text = percent === null ? "not yet available" : percent + "%";
    if (scoreText) scoreText.textContent = text;
    if (meter) {
      meter.hidden = percent === null;
      meter.value = percent || 0;
      meter.textContent = (percent || 0) + "%";
    }
    if (percent !== null && text !== lastPercent && live) live.textContent = "Process score now " + text;
    lastPercent = percent === null ? null : text;
  }
  function where(key) {  // stages[2].entry[3] -> Stage 3 entry criterion 4, as the server says it
    var m = /^stages\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?$/.exec(key);
    var kinds = {entry: ["entry criterion", "entry criteria"], exit: ["exit criterion", "exit criteria"],
                 drop_out: ["drop-out condition", "drop-out conditions"]};
    if (!m) return key.indexOf("journey") === 0 ? "Your journey map" : "Your process";
    var words = "Stage " + (parseInt(m[1], 10) + 1);
    if (kinds[m[2]]) return words + " " + (m[3] !== undefined ? kinds[m[2]][0] + " " + (parseInt(m[3], 10) + 1) : kinds[m[2]][1]);
    return m[2] ? words + " " + m[2].replace(/_/g, " ") : words;
  }
  function showErrors(errors) {
    if (!checkErrors) return;
    checkErrors.textContent = "";
    Object.keys(errors).forEach(function (key) {
      checkErrors.appendChild(el("li", "finding finding-error", where(key) + ": " + errors[key]));
    });
  }
  function render(result) {
    showErrors({});
    fill(root.querySelector("[data-feedback='process']"), result.findings,
         function (f, n) { return "process-" + n; });
    stages().forEach(function (stage, i) {
      var checked = result.stages[i], prefix = "stages-" + i;
      if (!checked) return;
      fill(stage.querySelector("[data-feedback='stage']"), checked.findings,
           function (f) { return prefix + "-" + f.rule; });
      fillCriteria(stage.querySelector("[data-feedback='entry']"), prefix, "entry", checked.entry);
      fillCriteria(stage.querySelector("[data-feedback='exit']"), prefix, "exit", checked.exit);
    });
    showScore(Math.round(result.score * 100));
  }

  function check() {
    if (!stages().length) return;
    var mine = ++ticket;  // only the newest answer may redraw
    fetch(url, {method: "POST", headers: {"Content-Type": "application/json", Accept: "application/json"},
                body: JSON.stringify(request()), credentials: "same-origin"})
      .then(function (response) {
        if (response.status !== 200 && response.status !== 422) throw new Error("checker " + response.status);
        return response.json().then(function (body) {
          if (mine !== ticket) return;
          if (response.status === 200) { render(body); return; }
          showErrors(body.errors || {});
          showScore(null);
        });
      })
      .catch(function () { /* keep the last feedback; saving shows it fresh */ });
  }

  root.addEventListener("input", function (event) {
    if (!event.target.closest("fieldset[data-stage]")) return;
    clearTimeout(timer);
    timer = setTimeout(check, 600);
  });
})();
