"""An editor's side of the site in Chromium, through the admin's own pages: a draft
written, previewed, submitted and published by the two roles; a note scheduled a minute
ahead going live by itself; two tabs saving one paper; an earlier version restored."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, Problems, check_math, open_in_admin, sign_in
from tests.e2e.prepare_site import (
    AREA,
    CHIEF_EDITOR,
    CONFLICT_TITLE,
    EDITOR,
    HISTORY_FIRST_BODY,
    HISTORY_TITLE,
    VENUE,
)

pytestmark = pytest.mark.e2e

NEW_TITLE = "Quillwort: gated sparse attention for long contracts"
NEW_SUMMARY = r"Attention restricted to $k \ll n$ tokens per query, chosen by a learned gate."
NEW_BODY = r"""## Method

Each query keeps the $k$ keys with the largest gate scores:

$$\mathrm{score}(q, k_j) = \sigma(w^\top k_j) \cdot \frac{q^\top k_j}{\sqrt{d}}$$

## Results

| Length | Dense | Quillwort |
|---|---|---|
| 8k | 71.2 | 71.0 |
| 64k | out of memory | 69.4 |
"""


@pytest.fixture
def browser_page(new_context):
    """A new window of its own (cookies and all), with its problems watched."""

    def open_page():
        page = new_context(viewport=DESKTOP).new_page()
        page.set_default_timeout(10_000)
        return page, Problems(page)

    return open_page


def choose(page, field, text):
    """Picks `text` in one of the admin's autocomplete (select2) fields."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def saved(page, problems):
    expect(page.locator(".messagelist .success")).to_be_visible()
    problems.check()


def test_a_draft_is_written_previewed_submitted_published_and_read(browser_page):
    page, problems = browser_page()
    sign_in(page, EDITOR)
    page.goto("/admin/papers/paper/add/")
    page.get_by_label("Title:").press_sequentially(NEW_TITLE)
    expect(page.get_by_label("Slug:")).to_have_value("quillwort-gated-sparse-attention-for-long-contracts")
    choose(page, "venue", VENUE)
    choose(page, "area", "Pretraining")
    page.get_by_label("Summary:").fill(NEW_SUMMARY)
    page.get_by_label("Body:").fill(NEW_BODY)

    # The preview shows the note as readers will see it, table and typeset math included.
    preview = page.locator("#note-preview")
    expect(preview.locator(".note-body table")).to_be_visible()
    expect(preview.locator(".katex-display")).to_be_visible()
    expect(preview.locator(".tldr .katex")).to_be_visible()
    check_math(page)
    expect(page.get_by_label("Status:").locator("option")).to_have_text(["Draft", "In review"])

    page.get_by_role("button", name="Save and continue editing").click()
    saved(page, problems)
    page.get_by_label("Status:").select_option(label="In review")
    page.get_by_role("button", name="Save", exact=True).click()
    saved(page, problems)

    reader, reader_problems = browser_page()
    note_url = f"/{VENUE}/{AREA}/quillwort-gated-sparse-attention-for-long-contracts/"
    assert reader.goto(note_url).status == 404  # in review: not public
    reader_problems.forget()

    chief, chief_problems = browser_page()
    sign_in(chief, CHIEF_EDITOR)
    chief.goto("/admin/papers/paper/?status__exact=review")
    chief.locator("#result_list").get_by_role("link", name=NEW_TITLE).click()
    chief.get_by_label("Status:").select_option(label="Published")
    chief.get_by_role("button", name="Save", exact=True).click()
    saved(chief, chief_problems)

    reader.goto(f"/{VENUE}/{AREA}/")
    reader.get_by_role("link", name=NEW_TITLE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(reader.locator(".note-body table")).to_be_visible()
    expect(reader.locator(".note-body .katex-display")).to_be_visible()
    check_math(reader)
    reader.goto("/papers/?q=quillwort")
    expect(reader.locator(".paper-title")).to_have_text([NEW_TITLE])
    reader_problems.check()


def test_a_note_scheduled_a_minute_ahead_appears_by_itself_at_its_time(browser_page):
    chief, problems = browser_page()
    sign_in(chief, CHIEF_EDITOR)
    title = "A note that waits for its minute"
    go_live = (datetime.now(UTC) + timedelta(minutes=1)).replace(microsecond=0)
    chief.goto("/admin/papers/paper/add/")
    chief.get_by_label("Title:").press_sequentially(title)
    choose(chief, "venue", VENUE)
    choose(chief, "area", "Pretraining")
    chief.get_by_label("Summary:").fill("Published by the clock, not by a person.")
    chief.get_by_label("Status:").select_option(label="Published")
    chief.locator("#id_published_at_0").fill(go_live.strftime("%Y-%m-%d"))  # the site's time zone is UTC
    chief.locator("#id_published_at_1").fill(go_live.strftime("%H:%M:%S"))
    chief.get_by_role("button", name="Save and continue editing").click()
    saved(chief, problems)
    note_url = f"/{VENUE}/{AREA}/a-note-that-waits-for-its-minute/"
    chief.goto(note_url)
    expect(chief.locator(".preview-banner")).to_contain_text("This note is scheduled for")

    reader, reader_problems = browser_page()
    while (answer := reader.goto(note_url)).status == 404:
        assert datetime.now(UTC) < go_live + timedelta(seconds=30), "not public 30 s after its time"
        time.sleep(2)
    appeared = datetime.now(UTC)

    assert answer.status == 200
    assert appeared >= go_live  # not a moment early
    expect(reader.get_by_role("heading", level=1)).to_have_text(title)
    reader_problems.forget()  # the 404s asked for while waiting
    reader.goto(f"/{VENUE}/{AREA}/")
    expect(reader.get_by_role("link", name=title)).to_be_visible()
    reader_problems.check()


def test_two_tabs_saving_one_paper_get_the_conflict_message_and_lose_nothing(browser_page):
    first_tab, problems = browser_page()
    sign_in(first_tab, CHIEF_EDITOR)
    open_in_admin(first_tab, CONFLICT_TITLE)
    second_tab = first_tab.context.new_page()
    second_problems = Problems(second_tab)
    second_tab.goto(first_tab.url)

    first_tab.get_by_label("Body:").fill("Line one.\nLine two, from the first tab.\n")
    first_tab.get_by_role("button", name="Save and continue editing").click()
    saved(first_tab, problems)

    second_tab.get_by_label("Body:").fill("Line one.\nLine two, from the second tab.\n")
    second_tab.get_by_role("button", name="Save and continue editing").click()

    expect(second_tab.locator(".errornote")).to_be_visible()
    conflict = second_tab.locator(".edit-conflict")
    expect(conflict.get_by_role("heading")).to_have_text("Saved by someone else since you opened this paper")
    expect(conflict).to_contain_text(f"by {CHIEF_EDITOR}")
    expect(conflict.locator(".diff-saved")).to_have_text("-Line two, from the first tab.")
    expect(conflict.locator(".diff-yours")).to_have_text("+Line two, from the second tab.")
    expect(second_tab.get_by_label("Body:")).to_have_value("Line one.\nLine two, from the second tab.\n")
    expect(
        second_tab.get_by_text("This paper was changed by someone else after you opened it")
    ).to_be_visible()
    second_problems.check()

    # Saving again replaces the other version, on purpose.
    second_tab.get_by_role("button", name="Save and continue editing").click()
    saved(second_tab, second_problems)
    first_tab.reload()
    expect(first_tab.get_by_label("Body:")).to_have_value("Line one.\nLine two, from the second tab.\n")


def test_an_earlier_version_is_restored_from_the_history(browser_page):
    page, problems = browser_page()
    sign_in(page, CHIEF_EDITOR)
    open_in_admin(page, HISTORY_TITLE)
    page.get_by_label("Body:").fill("A second wording that turns out worse.")
    page.get_by_role("button", name="Save and continue editing").click()
    saved(page, problems)

    page.get_by_role("link", name="History").click()
    history = page.locator("#change-history tbody tr")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("A second wording that turns out worse.")  # what changed
    history.filter(has_text="Created").get_by_role("link", name=HISTORY_TITLE).click()
    expect(page.get_by_label("Body:")).to_have_value(HISTORY_FIRST_BODY)
    page.get_by_role("button", name="Revert").first.click()
    saved(page, problems)

    open_in_admin(page, HISTORY_TITLE)
    expect(page.get_by_label("Body:")).to_have_value(HISTORY_FIRST_BODY)
    page.get_by_role("link", name="History").click()
    expect(history).to_have_count(3)  # the restore is a change of its own, undoable in turn
    expect(history.first).to_contain_text(CHIEF_EDITOR)
    expect(history.first).to_contain_text(HISTORY_FIRST_BODY)
    problems.check()
