"""axe-core (static/vendor/axe-core, from npm) on the main pages, in light and dark, and
on the admin's paper form: no serious or critical violation."""

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, MAIN_PAGES, open_in_admin, run_axe, sign_in
from tests.e2e.prepare_site import CHIEF_EDITOR, SHOWCASE_TITLE

pytestmark = pytest.mark.e2e

AXE_PAGES = ["home", "venue", "venue-area", "note", "list", "search"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", AXE_PAGES)
def test_a_main_page_has_no_serious_accessibility_violation(new_context, name, scheme):
    page = new_context(viewport=DESKTOP, color_scheme=scheme).new_page()
    page.goto(MAIN_PAGES[name])
    page.wait_for_load_state("networkidle")  # math typeset, fonts in

    violations = run_axe(page)
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("form", ["new", "filled"])
def test_the_admin_paper_form_has_no_serious_accessibility_violation(page, form):
    page.set_viewport_size(DESKTOP)
    sign_in(page, CHIEF_EDITOR)
    if form == "new":
        page.goto("/admin/papers/paper/add/")
    else:  # topics chosen, and the preview showing a table and math
        open_in_admin(page, SHOWCASE_TITLE)
        expect(page.locator("#note-preview .katex-display")).to_be_visible()
    page.wait_for_load_state("networkidle")

    violations = run_axe(page)
    assert not violations, "\n".join(violations)
