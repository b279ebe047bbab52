/*
 * The admin's autocomplete boxes (select2), fixed for screen readers:
 * - select2 names a box after the choice shown in it, so an empty box has no name at
 *   all: each box, and the text field inside it, is named by its field's label too
 *   ("Venue: ICML2025");
 * - a box of several choices puts its "Remove all items" button straight into its list
 *   of choices, where only list items belong: it is put into an item of its own (where
 *   select2 still finds it, and clears it away with the list when the choices change).
 * The admin builds the boxes in a script of its own, whenever it gets to it: each is
 * mended as it appears or changes.
 */
(function () {
  "use strict";

  function mend(container) {
    var select = container.previousElementSibling;
    var label = select && select.id && document.querySelector("label[for='" + select.id + "']");
    if (!label) {
      return;
    }
    label.id = label.id || select.id + "-label";
    var combobox = container.querySelector("[role=combobox]");
    var shown = combobox && combobox.getAttribute("aria-labelledby");
    if (combobox && (shown || "").split(" ")[0] !== label.id) {
      combobox.setAttribute("aria-labelledby", shown ? label.id + " " + shown : label.id);
    }
    // select2 makes a new text field each time the choices change.
    var fields = container.querySelectorAll("[role=textbox], .select2-search__field");
    for (var i = 0; i < fields.length; i++) {
      fields[i].setAttribute("aria-labelledby", label.id);
    }
    var clear = container.querySelector("ul > .select2-selection__clear");
    if (clear) {
      var item = document.createElement("li");
      clear.parentNode.insertBefore(item, clear);
      item.appendChild(clear);
    }
  }

  function mendAll() {
    var containers = document.querySelectorAll(".select2-container");
    for (var i = 0; i < containers.length; i++) {
      mend(containers[i]);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    mendAll();
    new MutationObserver(mendAll).observe(document.body, { childList: true, subtree: true });
  });
})();
