import pytest
from django.core.cache import cache

from papers import site_counts


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files unhashed, so tests need no collectstatic."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts from its own database: nothing kept from another test's."""
    site_counts.forget()
    cache.clear()
