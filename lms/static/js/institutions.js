// Offer only the institutions of the chosen beneficiary. Without this script every institution
// is listed and the server refuses one of another beneficiary, naming the field.
(function () {
  "use strict";
  document.querySelectorAll("select[data-filters-institutions]").forEach(function (beneficiary) {
    var institution = document.getElementById(beneficiary.dataset.filtersInstitutions);
    if (!institution) { return; }
    function update() {
      var chosen = beneficiary.value;
      Array.prototype.forEach.call(institution.options, function (option) {
        var owner = option.dataset.beneficiary;
        var offered = !owner || (chosen !== "" && owner === chosen);
        option.hidden = !offered;
        option.disabled = !offered;
        if (!offered && option.selected) { institution.value = ""; }
      });
    }
    beneficiary.addEventListener("change", update);
    update();
  });
}());
