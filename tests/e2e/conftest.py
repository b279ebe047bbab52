"""The browser tests: Debian's Chromium, driven by pytest-playwright, against the site served
by gunicorn from a database of its own filled with the demo site (tests/e2e/prepare_site.py).

The server runs with production settings (DEBUG off, hashed static files, the page
cache on, the Content-Security-Policy enforced), over plain HTTP on 127.0.0.1. Its
database is a SQLite file, or, when the suite runs on PostgreSQL, a database of its own
on the same server. Where Chromium is not installed, every test here is skipped, saying so.
"""

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

# The checks in browser.py report what they found, as the tests' own asserts do.
pytest.register_assert_rewrite("tests.e2e.browser")

from tests import servers  # noqa: E402
from tests.e2e.browser import Problems  # noqa: E402

# Playwright's sync API keeps an event loop in the main thread, which Django would take
# for async code; the tests never touch the database themselves (the server does).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).resolve().parent
CHROMIUM = shutil.which("chromium")
NO_CHROMIUM = "Chromium is not installed (apt-get install chromium): the browser tests are skipped"


@pytest.hookimpl(trylast=True)  # after pytest-django has put the tests in its order
def pytest_collection_modifyitems(config, items):
    # The browser tests run last, after the quick ones; without Chromium they are skipped.
    browser_tests = [item for item in items if HERE in Path(item.fspath).parents]
    if not CHROMIUM:
        for item in browser_tests:
            item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))
    items[:] = [item for item in items if item not in browser_tests] + browser_tests


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def site_url(tmp_path_factory):
    """The address of the test site, served until the end of the session."""
    folder = tmp_path_factory.mktemp("browser-site")
    with own_database(folder) as database_url:
        env = servers.production_env(
            DATABASE_URL=database_url,
            # One worker process: its own memory is the cache every request shares.
            CACHE_URL="locmem://",
            PAGE_CACHE_ENABLED="1",
            DJANGO_STATIC_ROOT=str(folder / "static"),
            DJANGO_SECURE_HSTS_SECONDS="0",
            GUNICORN_THREADS="4",
        )
        for command in (["manage.py", "collectstatic", "--noinput", "-v0"], ["-m", "tests.e2e.prepare_site"]):
            subprocess.run([sys.executable, *command], cwd=servers.ROOT, env=env, check=True)
        with servers.gunicorn(folder, env) as server:
            yield server.url


@contextlib.contextmanager
def own_database(folder):
    """The test site's database URL: a new SQLite file, or a new database beside the
    suite's own when the suite runs on PostgreSQL (dropped afterwards)."""
    suite_url = os.environ.get("DATABASE_URL", "")
    if not suite_url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{folder / 'site.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(suite_url)
    name = f"test_{parts.path.lstrip('/') or 'postgres'}_browser"
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def base_url(site_url):
    """pytest-playwright's base URL: `page.goto("/")` opens the test site."""
    return site_url


@pytest.fixture
def context(context):
    """A page waits at most 10 s for what a test expects of it (Playwright's default is 30)."""
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def problems(page):
    """What goes wrong in `page`: console errors, uncaught exceptions, failed requests,
    CSP violations (tests/e2e/browser.py)."""
    return Problems(page)
