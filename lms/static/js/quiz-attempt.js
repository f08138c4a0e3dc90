/* Quiz attempt: a countdown and saving answers as you go through the JSON API.
   The page works without this script (its Save button); the deadline is the server's. */
(function () {
  "use strict";

  function startTimer() {
    var timer = document.getElementById("quiz-timer");
    if (!timer) { return; }
    var text = document.getElementById("quiz-timer-text");
    var template = timer.getAttribute("data-template");
    var end = Date.now() + parseInt(timer.getAttribute("data-seconds-left"), 10) * 1000;
    var handle;
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      var seconds = left % 60;
      text.textContent = template.replace("{time}", minutes + ":" + (seconds < 10 ? "0" : "") + seconds);
      if (left <= 60) { timer.classList.add("timer-warning"); }
      if (left <= 0) {
        window.clearInterval(handle);
        text.textContent = timer.getAttribute("data-expired-text");
        // The server submits the saved answers; reloading shows the result.
        window.setTimeout(function () { window.location.reload(); }, 4000);
      }
    }
    handle = window.setInterval(tick, 1000);
    tick();
  }

  // A question's response, read from its inputs as its type's template piece draws them
  // (the fieldset's data-response says how: see lms/quizzes/types/base.py).
  function responseOf(fieldset) {
    var shape = fieldset.getAttribute("data-response");
    var name = "q" + fieldset.getAttribute("data-position");
    var checked = fieldset.querySelectorAll("input[name='" + name + "']:checked");
    var i;
    if (shape === "none") { return undefined; }
    if (shape === "choice") {
      return checked.length ? { choice: parseInt(checked[0].value, 10) } : null;
    }
    if (shape === "choices") {
      var keys = [];
      for (i = 0; i < checked.length; i += 1) { keys.push(parseInt(checked[i].value, 10)); }
      return keys.length ? { choices: keys } : null;
    }
    if (shape === "value") {
      return checked.length ? { value: checked[0].value === "true" } : null;
    }
    if (shape === "matches") {
      var matches = {};
      var any = false;
      var selects = fieldset.querySelectorAll("select");
      for (i = 0; i < selects.length; i += 1) {
        if (selects[i].value !== "") {
          matches[selects[i].name.slice(name.length + 1)] = parseInt(selects[i].value, 10);
          any = true;
        }
      }
      return any ? { matches: matches } : null;
    }
    var field = fieldset.querySelector("[name='" + name + "']");
    if (!field) { return undefined; }
    return field.value.trim() ? { text: field.value } : null;
  }

  function startAutosave() {
    var form = document.getElementById("attempt-form");
    if (!form || !window.fetch || !window.JSON) { return; }
    var status = document.getElementById("autosave-status");
    var url = form.getAttribute("data-save-url");
    var token = form.querySelector("input[name='csrf_token']").value;
    var dirty = false;
    var saving = false;
    var pending = null;

    function collect() {
      var answers = [];
      var fieldsets = form.querySelectorAll("fieldset.question");
      for (var i = 0; i < fieldsets.length; i += 1) {
        var response = responseOf(fieldsets[i]);
        if (response !== undefined) {
          answers.push({ position: parseInt(fieldsets[i].getAttribute("data-position"), 10), response: response });
        }
      }
      return { answers: answers };
    }

    function save() {
      if (saving || !dirty) { return; }
      saving = true;
      dirty = false;
      window.fetch(url, {
        method: "PUT",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(collect())
      }).then(function (response) {
        saving = false;
        if (response.ok) {
          status.textContent = form.getAttribute("data-saved-text").replace(
            "{time}", new Date().toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" }));
        } else if (response.status === 403 || response.status === 409) {
          window.location.reload();  // the deadline passed or the attempt was submitted elsewhere
        } else {
          dirty = true;
          status.textContent = form.getAttribute("data-error-text");
        }
      }).catch(function () {
        saving = false;
        dirty = true;
        status.textContent = form.getAttribute("data-offline-text");
      });
    }

    function schedule() {
      dirty = true;
      window.clearTimeout(pending);
      pending = window.setTimeout(save, 1500);
    }

    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    form.addEventListener("submit", function () { window.clearTimeout(pending); dirty = false; });
    window.setInterval(save, 30000);
  }

  startTimer();
  startAutosave();
}());
