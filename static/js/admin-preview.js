/*
 * The live preview of the admin's paper form. As the editor types in the summary, the
 * body or the ratings, it posts them (at most every 400 ms) to the admin's preview view,
 * which renders them with the same code and template as the public page, and shows the
 * result under the form with its math typeset (static/js/math.js).
 */
(function () {
  "use strict";

  var FIELDS = ["summary", "body", "rating_novelty", "rating_experiments", "rating_writing", "rating_value"];
  var DELAY_MS = 400;

  function start() {
    var pane = document.getElementById("note-preview");
    var form = pane && pane.closest("form");
    if (!form) {
      return;
    }
    var timer = null;
    var latest = 0;

    function render() {
      var data = new FormData();
      var token = form.querySelector("[name=csrfmiddlewaretoken]");
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      FIELDS.forEach(function (name) {
        var input = form.elements[name];
        if (input) {
          data.append(name, input.value);
        }
      });
      var request = ++latest;
      fetch(pane.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("The preview could not be rendered (" + response.status + ").");
          }
          return response.text();
        })
        .then(function (html) {
          if (request !== latest) {
            return; // an older answer arriving after a newer one
          }
          pane.innerHTML = html; // sanitised by the server's renderer
          if (window.typesetMath) {
            window.typesetMath(pane);
          }
        })
        .catch(function (error) {
          if (request === latest) {
            pane.textContent = error.message;
          }
        });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(render, DELAY_MS);
    }

    FIELDS.forEach(function (name) {
      var input = form.elements[name];
      if (input) {
        input.addEventListener("input", schedule);
        input.addEventListener("change", schedule);
      }
    });
    render();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
