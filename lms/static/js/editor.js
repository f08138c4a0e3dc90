// Formatting buttons for a Markdown textarea: wrap the selection or prefix the lines.
// Without this script the textarea still works; the buttons stay hidden.
(function () {
  "use strict";
  document.querySelectorAll(".editor-toolbar[data-for]").forEach(function (toolbar) {
    var area = document.getElementById(toolbar.getAttribute("data-for"));
    if (!area) { return; }
    toolbar.hidden = false;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var start = area.selectionStart, end = area.selectionEnd, text = area.value;
      var selected = text.slice(start, end), replacement;
      if (button.dataset.wrap) {
        replacement = button.dataset.wrap + selected + button.dataset.wrap;
      } else {
        var lineStart = text.lastIndexOf("\n", start - 1) + 1;
        selected = text.slice(lineStart, end);
        start = lineStart;
        replacement = selected.split("\n").map(function (line) { return button.dataset.prefix + line; }).join("\n");
      }
      area.value = text.slice(0, start) + replacement + text.slice(end);
      area.focus();
      area.setSelectionRange(start, start + replacement.length);
    });
  });
}());
