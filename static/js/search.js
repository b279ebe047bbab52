/*
 * Title suggestions for the search box. As the reader types (at most every 200 ms),
 * asks /papers/suggest/ for up to ten matching titles and offers them in the box's
 * <datalist>; choosing one opens that note. Without this script the box still
 * searches on Enter.
 */
(function () {
  "use strict";

  var DELAY_MS = 200;

  function start() {
    var input = document.getElementById("site-search");
    var list = document.getElementById("search-suggestions");
    if (!input || !list || !window.fetch) {
      return;
    }
    var urls = {};
    var timer = null;
    var latest = 0;

    function show(results) {
      urls = {};
      list.textContent = "";
      results.forEach(function (result) {
        var option = document.createElement("option");
        option.value = result.title;
        option.label = result.venue;
        urls[result.title] = result.url;
        list.appendChild(option);
      });
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < 2) {
        show([]);
        return;
      }
      var request = ++latest;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (request === latest) {
            show(data.results || []);
          }
        })
        .catch(function () {
          show([]);
        });
    }

    input.addEventListener("input", function () {
      // A suggestion chosen from the list: open its note.
      if (Object.prototype.hasOwnProperty.call(urls, input.value)) {
        window.location.href = urls[input.value];
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY_MS);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
