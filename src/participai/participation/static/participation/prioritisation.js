/* Prioritisation ballots, enhanced: the page works without this script.
 *
 * Dot voting: the "points left" line (an aria-live region) follows what is
 * typed, so screen-reader users hear the count without leaving the field.
 * Ranking: choosing a position another item holds gives that item the
 * position just left, so the order stays one position per item; the move is
 * announced in a live region. Messages come translated from the page, in
 * data-*-template attributes with {name} placeholders.
 */
(function () {
  "use strict";

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function dots(form) {
    var budget = parseInt(form.dataset.budget, 10);
    var status = form.querySelector("[data-points-left]");
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=number]"));
    if (!status || isNaN(budget)) {
      return;
    }
    function update() {
      var given = 0;
      inputs.forEach(function (input) {
        var value = parseInt(input.value, 10);
        if (value > 0) {
          given += value;
        }
      });
      var left = budget - given;
      status.textContent =
        left >= 0
          ? fill(form.dataset.leftTemplate, { left: left, budget: budget })
          : fill(form.dataset.overTemplate, { over: -left, budget: budget });
    }
    inputs.forEach(function (input) {
      input.addEventListener("input", update);
    });
  }

  function ranking(form) {
    var status = form.querySelector("[data-ranking-status]");
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    selects.forEach(function (select) {
      select.dataset.previous = select.value;
      select.addEventListener("change", function () {
        var chosen = select.value;
        if (chosen) {
          selects.forEach(function (other) {
            if (other !== select && other.value === chosen) {
              other.value = select.dataset.previous || "";
              other.dataset.previous = other.value;
              if (status) {
                status.textContent = other.value
                  ? fill(form.dataset.swapTemplate, {
                      title: other.dataset.title,
                      position: other.value,
                    })
                  : fill(form.dataset.clearTemplate, { title: other.dataset.title });
              }
            }
          });
        }
        select.dataset.previous = chosen;
      });
    });
  }

  document.querySelectorAll("form.prioritisation-ballot").forEach(function (form) {
    if (form.dataset.method === "dots") {
      dots(form);
    } else if (form.dataset.method === "ranking") {
      ranking(form);
    }
  });
})();
