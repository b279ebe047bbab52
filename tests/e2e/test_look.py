"""Full-page screenshots of the main pages, on a desktop and a phone, light and dark, into
screenshots/ (git-ignored) for people to look at; and the rules of the layout that a
picture shows at a glance, checked on the way: nothing wider than the screen, lines of
running text short enough to read, and badges, emoji and counts on one line with
their neighbours."""

import pytest

from tests.e2e.browser import DESKTOP, MAIN_PAGES, PHONE, ROOT, Problems, check_math, open_in_admin, sign_in
from tests.e2e.prepare_site import CHIEF_EDITOR, SHOWCASE_TITLE

pytestmark = pytest.mark.e2e

SCREENSHOTS = ROOT / "screenshots"
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
# Running text wider than this many times its font size is tiring to read (about 80 characters).
MAX_MEASURE_EM = 40

# Paragraphs of running text, and the things set side by side in one line.
MEASURE = """() => [...document.querySelectorAll("main p, .note-body li")]
  .filter((element) => element.textContent.trim().length > 120)
  .map((element) => [
    element.tagName.toLowerCase() + "." + element.className,
    element.getBoundingClientRect().width / parseFloat(getComputedStyle(element).fontSize),
  ])
  .filter(([, em]) => em > MAX)"""
ALIGNMENT = """() => {
  const box = (part) => {
    if (part.nodeType === Node.ELEMENT_NODE) return part.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(part);
    return range.getBoundingClientRect();
  };
  const rows = [];
  for (const row of document.querySelectorAll(".paper-meta, .card a, .chip, .facet a, h2:has(> .count)")) {
    const parts = [...row.childNodes]
      .filter((part) => part.nodeType === Node.ELEMENT_NODE || part.textContent.trim())
      .map(box)
      .filter((part) => part.height > 0);
    // Side by side: the parts on the first line (a card's count goes under its name).
    const line = parts.filter((part) => Math.abs(part.top - parts[0].top) < 6);
    const centres = line.map((part) => (part.top + part.bottom) / 2);
    if (Math.max(...centres) - Math.min(...centres) > 3) {
      rows.push(`${row.className || row.tagName}: ${row.textContent.trim().slice(0, 40)}`);
    }
  }
  return rows;
}"""


def shoot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 10_000  # a picture of a page, not of a blank screen
    return path


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_main_pages_look_right(new_context, screen, scheme):
    page = new_context(viewport=SCREENS[screen], color_scheme=scheme, is_mobile=screen == "phone").new_page()
    problems = Problems(page)
    for name, path in MAIN_PAGES.items():
        page.goto(path)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        problems.check()
        check_math(page)

        assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"], name
        assert page.evaluate(MEASURE.replace("MAX", str(MAX_MEASURE_EM))) == [], f"{name}: lines too long"
        assert page.evaluate(ALIGNMENT) == [], f"{name}: out of line"
        shoot(page, f"{name}-{screen}-{scheme}")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_admin_paper_form_is_photographed(new_context, scheme):
    page = new_context(viewport=DESKTOP, color_scheme=scheme).new_page()
    sign_in(page, CHIEF_EDITOR)
    open_in_admin(page, SHOWCASE_TITLE)
    preview = page.locator("#note-preview")
    preview.locator(".katex-display").wait_for()

    shoot(page, f"admin-paper-form-desktop-{scheme}")

    # The preview looks like the note: its table scrolls within the form's width.
    box, form = preview.locator(".table-scroll"), page.locator("#paper_form")
    assert box.bounding_box()["width"] <= form.bounding_box()["width"]
