/*
 * Typesets the math that papers/markdown.py leaves in the page, with KaTeX
 * (static/vendor/katex). Each element with class "math" holds the math exactly as
 * written, delimiters included: $…$, $$…$$, \(…\) or \[…\], and a display block may
 * end with a label, "$$…$$ (1)". Math that KaTeX cannot read is left as its source,
 * so a typo never breaks the page. Loaded with `defer` after katex.min.js; no inline
 * script, so the page can be served under a strict Content-Security-Policy.
 */
(function () {
  "use strict";

  // Longest opening first, so "$$" is not read as "$" … "$".
  var DELIMITERS = [
    ["$$", "$$"],
    ["\\[", "\\]"],
    ["\\(", "\\)"],
    ["$", "$"],
  ];
  var LABEL = /^([\s\S]*?)\s*\(([^()]*)\)$/;

  function stripDelimiters(source) {
    var text = source.trim();
    var label = null;
    var labelled = LABEL.exec(text);
    if (labelled && labelled[1].slice(-2) === "$$") {
      text = labelled[1];
      label = labelled[2].trim();
    }
    for (var i = 0; i < DELIMITERS.length; i++) {
      var open = DELIMITERS[i][0];
      var close = DELIMITERS[i][1];
      if (
        text.length >= open.length + close.length &&
        text.slice(0, open.length) === open &&
        text.slice(text.length - close.length) === close
      ) {
        var tex = text.slice(open.length, text.length - close.length);
        return label ? tex + " \\tag{" + label + "}" : tex;
      }
    }
    return null;
  }

  function typeset(katex, element) {
    if (element.classList.contains("math-typeset")) {
      return;
    }
    var source = element.textContent;
    var tex = stripDelimiters(source);
    if (tex === null || tex.trim() === "") {
      return;
    }
    var options = {
      displayMode: element.classList.contains("math-display"),
      throwOnError: true,
      // No \href, \url or \html… commands: notes are written by editors, but the
      // page should not depend on that.
      trust: false,
    };
    try {
      // A dry run that throws on any error: rendering with throwOnError false would
      // draw an unknown command in red rather than fail, and the source reads better.
      katex.renderToString(tex, options);
      options.throwOnError = false;
      katex.render(tex, element, options);
      if (element.querySelector(".katex-error")) {
        throw new Error("KaTeX could not read this math");
      }
      element.classList.add("math-typeset");
    } catch (error) {
      element.textContent = source;
    }
  }

  function typesetAll(root) {
    // An element with id "katex" would also be window.katex: make sure it is the library.
    var katex = window.katex;
    if (!katex || typeof katex.render !== "function") {
      return;
    }
    var elements = (root || document).querySelectorAll(".math");
    for (var i = 0; i < elements.length; i++) {
      typeset(katex, elements[i]);
    }
  }

  // For content added later, such as the admin's live preview.
  window.typesetMath = typesetAll;

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      typesetAll(document);
    });
  } else {
    typesetAll(document);
  }
})();
