"""What the browser tests look for in a page, beyond what it says."""

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.prepare_site import AREA, PASSWORD, SHOWCASE_SLUG, VENUE

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

SHOWCASE_URL = f"/{VENUE}/{AREA}/{SHOWCASE_SLUG}/"
# The site's main pages, by name: the screenshots, the phone and the axe runs go through them.
MAIN_PAGES = {
    "home": "/",
    "venue": f"/{VENUE}/",
    "venue-area": f"/{VENUE}/{AREA}/",
    "note": SHOWCASE_URL,
    "area": f"/areas/{AREA}/",
    "topic": "/topics/scaling-laws/",
    "list": f"/papers/?venue={VENUE}",
    "search": "/papers/?q=update+rule",
}

# Every CSP violation, including one a console message would not tell apart.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(
    `${event.disposition}: ${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}`
  );
});
"""

# `$…$` or `$$…$$` with something TeX-like inside: math KaTeX did not typeset.
RAW_MATH = re.compile(r"\$\$?[^$\n]*[\\^_{}][^$\n]*\$")


class Problems:
    """Collects what goes wrong in a page as it is used: console errors, uncaught
    exceptions, failed requests and answers of 400 or more, and violations of the
    Content-Security-Policy. The admin sends a stricter policy in report-only mode, to
    show what it would still need (notesite/security.py): those reports are not problems.
    """

    def __init__(self, page):
        self.page = page
        self.found = []
        page.add_init_script(RECORD_CSP_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.found.append(f"uncaught exception: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message):
        if "report only" in message.text.lower().replace("-", " "):
            return
        if message.type == "error" or "Content Security Policy" in message.text:
            self.found.append(f"console {message.type}: {message.text}")

    def _failed(self, request):
        # A script may abort its own request (the admin's autocomplete does, as one types).
        if request.failure != "net::ERR_ABORTED":
            self.found.append(f"failed ({request.failure}): {request.url}")

    def _response(self, response):
        if response.status >= 400:
            self.found.append(f"{response.status}: {response.request.method} {response.url}")

    def check(self):
        """Asserts that nothing went wrong in the page so far, CSP violations included."""
        violations = self.page.evaluate("window.cspViolations || []")
        enforced = [violation for violation in violations if not violation.startswith("report")]
        assert self.found + enforced == [], f"on {self.page.url}"

    def forget(self):
        """Forgets what was collected: after an answer the test asked for (a 404, say)."""
        self.found.clear()


def check_math(page):
    """Every piece of math in the page is typeset by KaTeX, and none is left as source."""
    untypeset = page.locator(".math:not(.math-typeset)")
    assert untypeset.count() == 0, f"math left as source: {untypeset.all_inner_texts()}"
    text = page.locator("body").inner_text()
    assert RAW_MATH.findall(text) == [], f"raw math visible on {page.url}"


def overflowing(page):
    """The page's width beyond the viewport (0 when nothing overflows), and the elements
    that stick out, for the message."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const extra = document.documentElement.scrollWidth - width;
          const culprits = [...document.querySelectorAll("body *")]
            .filter((element) => element.getBoundingClientRect().right > width + 1)
            .filter((element) => !element.closest(".table-scroll, .math-display, pre"))
            .slice(0, 5)
            .map((element) => element.tagName.toLowerCase() + "." + element.className);
          return [extra, culprits];
        }"""
    )


def focus_ring(page):
    """The focused element's description, whether it is on screen, and whether a focus
    ring is drawn round it: an outline of 2 px or more in a colour with a contrast of at
    least 3:1 to the page behind it (WCAG's non-text contrast)."""
    return page.evaluate(
        """() => {
          const luminance = (colour) => {
            const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((value) => {
              const channel = value / 255;
              return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const element = document.activeElement;
          const style = getComputedStyle(element);
          // What the ring is drawn on: the nearest background behind the element.
          let behind = element.parentElement;
          while (behind && /rgba\\(.*, 0\\)|transparent/.test(getComputedStyle(behind).backgroundColor)) {
            behind = behind.parentElement;
          }
          const ground = luminance(behind ? getComputedStyle(behind).backgroundColor : "rgb(255, 255, 255)");
          const line = luminance(style.outlineColor);
          const contrast = (Math.max(ground, line) + 0.05) / (Math.min(ground, line) + 0.05);
          const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2 && contrast >= 3;
          const box = element.getBoundingClientRect();
          const inView = box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight
            && box.left >= 0 && box.right <= innerWidth;
          const name = element.tagName.toLowerCase()
            + (element.id ? "#" + element.id : "") + " " + (element.textContent || "").trim().slice(0, 40);
          return {name, ring, inView};
        }"""
    )


def tab_to(page, selector, limit=60):
    """Presses Tab until the focus is on an element matching `selector`; returns the
    focus ring of every stop on the way, that one included."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(focus_ring(page))
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return stops
    raise AssertionError(f"{selector} not reached in {limit} presses of Tab: {stops[-5:]}")


def run_axe(page):
    """axe-core's serious and critical violations in the page, as readable lines.

    axe is loaded from the site's own static files, so the page's Content-Security-Policy
    allows it as it allows the site's scripts."""
    page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    results = page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]})
             .then((results) => results.violations)"""
    )
    return [
        f"{violation['impact']}: {violation['id']} ({violation['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in results
        if violation["impact"] in {"serious", "critical"}
    ]


def sign_in(page, username):
    """Signs `username` in to the admin through its login form."""
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/admin/")


def open_in_admin(page, title):
    """Opens a paper's admin form from the paper list's search."""
    page.goto("/admin/papers/paper/?q=" + title.replace(" ", "+"))
    page.locator("#result_list").get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_label("Title:")).to_have_value(title)
