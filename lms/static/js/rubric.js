// Show the rubric score as the tutor chooses levels. The server computes the score it saves.
(function () {
  "use strict";
  document.querySelectorAll("form.grade-form").forEach(function (form) {
    var total = form.querySelector(".score-total");
    if (!total) { return; }
    var output = total.querySelector("output");
    function update() {
      var sum = 0;
      form.querySelectorAll("input[type=radio][data-points]:checked").forEach(function (input) {
        sum += parseInt(input.dataset.points, 10) || 0;
      });
      output.textContent = String(sum);
    }
    total.hidden = false;
    form.addEventListener("change", update);
    update();
  });
}());
