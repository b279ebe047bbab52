"""A reader's side of the site in Chromium: a journey through it, a phone, dark mode and
the keyboard. On every page: no console error, uncaught exception, failed request or
CSP violation, and all math typeset."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import (
    DESKTOP,
    MAIN_PAGES,
    PHONE,
    SHOWCASE_URL,
    Problems,
    check_math,
    focus_ring,
    overflowing,
    tab_to,
)
from tests.e2e.prepare_site import AREA, SHOWCASE_TITLE, SHOWCASE_TOPIC, VENUE

pytestmark = pytest.mark.e2e


def seen(page, problems):
    """The checks every page passes once it has loaded."""
    page.wait_for_load_state("networkidle")
    problems.check()
    check_math(page)


def heading(page):
    return page.get_by_role("heading", level=1)


def test_a_reader_browses_from_home_to_a_note_then_a_topic_the_list_and_a_search(page, problems):
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    expect(heading(page)).to_have_text("Notes on AI research papers")
    seen(page, problems)

    page.get_by_role("link", name=re.compile(rf"^🧪 {VENUE}\b")).click()
    expect(heading(page)).to_have_text(f"🧪 {VENUE}")
    seen(page, problems)

    page.get_by_role("heading", level=2).get_by_role("link", name="Pretraining").click()
    expect(page).to_have_url(re.compile(rf"/{VENUE}/{AREA}/$"))
    expect(heading(page)).to_have_text("📚 Pretraining")
    expect(page.locator(".same-area")).to_contain_text("Same area in other venues: ")
    expect(page.locator(".top-topics")).to_contain_text("Top topics: ")
    showcase = page.locator(".paper").filter(has_text=SHOWCASE_TITLE)
    expect(showcase.locator(".paper-summary .katex")).to_be_visible()  # math in a summary
    seen(page, problems)

    showcase.get_by_role("link", name=SHOWCASE_TITLE).click()
    expect(heading(page)).to_have_text(SHOWCASE_TITLE)
    expect(page.locator(".note-body table")).to_be_visible()
    expect(page.locator(".note-body .katex-display")).to_be_visible()
    expect(page.locator(".tldr .katex")).to_be_visible()
    seen(page, problems)

    page.locator(".facts").get_by_role("link", name=SHOWCASE_TOPIC).click()
    expect(heading(page)).to_contain_text(SHOWCASE_TOPIC)
    seen(page, problems)

    page.locator(".page-facts").get_by_role("link", name=re.compile(rf"{VENUE} \(\d+\)")).click()
    expect(page).to_have_url(re.compile(r"/papers/\?venue=ICML2025&topic=scaling-laws$"))
    expect(page.get_by_label("Venue")).to_have_value(VENUE)
    listed = page.locator(".paper")
    expect(listed.first).to_be_visible()
    expect(listed.filter(has_not_text=VENUE)).to_have_count(0)  # every note is from the venue
    seen(page, problems)

    page.get_by_label("Sort by").select_option(label="Newest")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"sort=newest"))
    seen(page, problems)

    search_box = page.get_by_role("search").get_by_label("Search notes")
    search_box.fill("update rule")
    search_box.press("Enter")
    expect(page).to_have_url(re.compile(r"/papers/\?q=update\+rule$"))
    expect(listed.first.get_by_role("link")).to_have_text(SHOWCASE_TITLE)  # its title holds the words
    marked = page.locator(".snippet mark")
    expect(marked.first).to_be_visible()
    assert {word.lower() for word in marked.all_inner_texts()} <= {"update", "rule", "updates", "rules"}
    facets = page.get_by_role("navigation", name="Narrow the results")
    expect(facets.get_by_role("heading")).to_have_text(["Venues", "Areas", "Topics"])
    total = page.locator(".result-count").inner_text()
    seen(page, problems)

    facets.get_by_role("link", name=re.compile(rf"^{VENUE} \d+$")).click()
    expect(page).to_have_url(re.compile(r"venue=ICML2025"))
    expect(page.locator(".result-count")).not_to_have_text(total)
    seen(page, problems)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/papers/\?q=update\+rule$"))
    expect(page.locator(".result-count")).to_have_text(total)
    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=newest"))
    seen(page, problems)


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_on_a_phone_nothing_is_wider_than_the_screen(new_context, name):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems = Problems(page)
    page.goto(MAIN_PAGES[name])
    seen(page, problems)

    extra, culprits = overflowing(page)

    assert extra == 0, f"{name} is {extra}px wider than the phone: {culprits}"


def test_on_a_phone_a_wide_table_scrolls_inside_the_note(new_context):
    page = new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    page.goto(SHOWCASE_URL)
    box = page.locator(".note-body .table-scroll")

    width, visible = box.evaluate("(box) => [box.scrollWidth, box.clientWidth]")
    assert width > visible <= PHONE["width"]  # the table is wider than the screen, its box is not
    box.focus()  # the keyboard can scroll it too
    page.keyboard.press("ArrowRight")
    # The browser may scroll smoothly: wait for it to move.
    page.wait_for_function("() => document.querySelector('.note-body .table-scroll').scrollLeft > 0")
    assert overflowing(page)[0] == 0


def luminance(css_colour):
    """The relative luminance (WCAG) of an rgb() or rgba() colour."""
    red, green, blue = (int(value) / 255 for value in re.findall(r"[\d.]+", css_colour)[:3])

    def linear(channel):
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


COLOURS = """(selector) => [...document.querySelectorAll(selector)].slice(0, 3).map((element) => {
  let back = element;
  while (back && getComputedStyle(back).backgroundColor.match(/rgba\\(.*, 0\\)|transparent/)) {
    back = back.parentElement;
  }
  return [getComputedStyle(element).color, getComputedStyle(back || document.body).backgroundColor];
})"""


@pytest.mark.parametrize("name", ["home", "venue-area", "note", "search"])
def test_dark_mode_has_light_text_on_dark_ground_everywhere(new_context, name):
    page = new_context(viewport=DESKTOP, color_scheme="dark").new_page()
    problems = Problems(page)
    page.goto(MAIN_PAGES[name])
    seen(page, problems)

    ground = luminance(page.evaluate("getComputedStyle(document.body).backgroundColor"))
    assert ground < 0.05
    # Text of each kind stands out from what is behind it, math and marks included.
    kinds = "h1, .paper-title a, .paper-summary, .badge, .chip, .count, .katex, .tldr p, mark, .site-footer"
    for colour, background in page.evaluate(COLOURS, kinds):
        lighter, darker = sorted([luminance(colour), luminance(background)], reverse=True)
        assert (lighter + 0.05) / (darker + 0.05) >= 4.5, (colour, background)


def test_everything_can_be_reached_and_used_from_the_keyboard_with_a_visible_focus(page, problems):
    page.set_viewport_size(DESKTOP)
    page.goto(f"/{VENUE}/{AREA}/")

    page.keyboard.press("Tab")
    skip = focus_ring(page)
    assert skip["name"].startswith("a Skip to content") and skip["ring"] and skip["inView"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Through the page's links to its first note: every stop on screen, with a ring round it.
    stops = tab_to(page, ".paper-title a")
    assert len(stops) > 5  # the breadcrumbs, the venue, the same area elsewhere, the topics
    assert [stop for stop in stops if not (stop["ring"] and stop["inView"])] == []

    # The header's search box, a search, and a result opened: all by keyboard.
    page.goto("/")
    stops = tab_to(page, "#site-search", limit=6)
    assert stops[-1]["ring"]
    page.keyboard.type("update rule")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=update\+rule"))
    assert tab_to(page, ".paper-title a")[-1]["ring"]
    page.keyboard.press("Enter")
    expect(heading(page)).to_have_text(SHOWCASE_TITLE)

    # The list's filters: a venue chosen and applied without a mouse.
    page.goto("/papers/")
    assert tab_to(page, "#id_venue")[-1]["ring"]
    page.keyboard.press("ArrowDown")
    assert tab_to(page, ".filters button[type=submit]")[-1]["ring"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"venue=\w+"))
    problems.check()
