import shutil

import pytest
from django.core.cache import cache

from notesite import page_cache
from papers import site_counts


def pytest_report_header(config):
    # Here, not in tests/e2e/conftest.py: pytest asks only the first conftests for a header.
    chromium = shutil.which("chromium")
    if chromium:
        return f"browser tests (tests/e2e): Chromium at {chromium}"
    return "browser tests (tests/e2e): Chromium is not installed, they will be skipped"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files unhashed, so tests need no collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _no_content_listener(settings):
    """Tests' writes are rolled back, never committed, so a listener would never hear of
    them: pages read the content version each time. tests/test_content_listener.py
    turns it on where changes commit."""
    settings.PAGE_CACHE_LISTEN = False


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts from its own database: nothing kept from another test's."""
    site_counts.forget()
    page_cache.forget()
    cache.clear()
