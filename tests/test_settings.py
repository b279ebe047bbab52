"""Settings come from the environment, with safe defaults."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

ROOT = Path(__file__).resolve().parent.parent


def run_clean(*args, **env):
    """Run a command with none of the site's variables (DJANGO_*, DATABASE_URL, CACHE_URL,
    PAGE_CACHE_*) but `env` set."""
    ours = ("DJANGO_", "DATABASE_URL", "CACHE_URL", "PAGE_CACHE_")
    clean = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    return subprocess.run(
        list(args), cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, check=False
    )


def load_settings(**env):
    """Import the settings in a fresh interpreter with only `env` set."""
    code = "import notesite.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'])"
    return run_clean(sys.executable, "-c", code, **env)


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = load_settings(DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_manage_py_works_on_a_laptop_with_nothing_set():
    result = run_clean(sys.executable, "manage.py", "check")

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_web_server_refuses_to_start_without_a_secret_key():
    result = run_clean(sys.executable, "-c", "import notesite.wsgi")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_settings_from_the_environment():
    result = load_settings(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="notes.example.org, www.notes.example.org",
        DATABASE_URL="postgres://user:pw@db:5432/notes",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split(" ", 1)[0] == "False"
    assert "['notes.example.org', 'www.notes.example.org']" in result.stdout
    assert "postgresql" in result.stdout


def test_static_files_are_gathered_where_the_environment_says(tmp_path):
    code = "import notesite.settings as s; print(s.STATIC_ROOT)"

    chosen = run_clean(sys.executable, "-c", code, DJANGO_DEBUG="1", DJANGO_STATIC_ROOT=str(tmp_path))
    default = run_clean(sys.executable, "-c", code, DJANGO_DEBUG="1")

    assert chosen.stdout.strip() == str(tmp_path)
    assert default.stdout.strip() == str(ROOT / "staticfiles")


def test_a_bad_number_is_a_clear_error():
    result = load_settings(DJANGO_DEBUG="1", PAPERS_PER_PAGE="many")

    assert result.returncode != 0
    assert "PAPERS_PER_PAGE must be a whole number" in result.stderr


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path, django_db_blocker):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    # The test database lives in memory, which has no WAL: open a file with the same settings.
    on_disk = DatabaseWrapper({**connection.settings_dict, "NAME": str(tmp_path / "site.sqlite3")})
    try:
        with django_db_blocker.unblock(), on_disk.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            busy_timeout = cursor.fetchone()[0]
            cursor.execute("PRAGMA synchronous")
            synchronous = cursor.fetchone()[0]
    finally:
        on_disk.close()

    assert journal_mode == "wal"
    assert busy_timeout >= 5000
    assert synchronous == 1  # NORMAL: safe in WAL mode, without a sync on every commit
    assert on_disk.transaction_mode == "IMMEDIATE"


def test_sqlite_writers_and_readers_at_once_never_see_database_is_locked(tmp_path, django_db_blocker):
    """Each writer reads, then writes, in one transaction, as an admin save does. Begun
    DEFERRED, two of them deadlock ("database is locked" at once, whatever the busy
    timeout); begun IMMEDIATE, as the settings begin them, they take turns."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    path = str(tmp_path / "site.sqlite3")
    errors = []

    def worker(writes):
        database = DatabaseWrapper({**connection.settings_dict, "NAME": path})
        try:
            database.ensure_connection()
            for _ in range(40):
                if writes:
                    database._start_transaction_under_autocommit()  # what atomic() does first
                with database.cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM notes")
                    count = cursor.fetchone()[0]
                    if writes:
                        cursor.execute("INSERT INTO notes (n) VALUES (%s)", [count])
                if writes:
                    database.connection.commit()
        except Exception as error:
            errors.append(error)
        finally:
            database.close()

    with django_db_blocker.unblock():
        setup = DatabaseWrapper({**connection.settings_dict, "NAME": path})
        with setup.cursor() as cursor:
            cursor.execute("CREATE TABLE notes (n INTEGER)")
        setup.close()
        threads = [threading.Thread(target=worker, args=(index % 2 == 0,)) for index in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        check = DatabaseWrapper({**connection.settings_dict, "NAME": path})
        with check.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM notes")
            rows = cursor.fetchone()[0]
        check.close()

    assert errors == []
    assert rows == 3 * 40


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://cache.internal:6379/1", "notesite.redis_cache.ForgivingRedisCache"),
        ("file:///var/cache/paper-notes", "django.core.cache.backends.filebased.FileBasedCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_the_cache_comes_from_cache_url(url, backend):
    from notesite.settings import cache_from_url

    assert cache_from_url(url)["BACKEND"] == backend


def test_the_default_cache_is_shared_by_the_workers_of_one_machine():
    result = run_clean(
        sys.executable,
        "-c",
        "import notesite.settings as s; print(s.CACHES['pages']['BACKEND'])",
        DJANGO_DEBUG="1",
    )

    assert result.stdout.strip() == "django.core.cache.backends.filebased.FileBasedCache"


def test_a_bad_cache_url_is_a_clear_error():
    result = run_clean(
        sys.executable, "-c", "import notesite.settings", DJANGO_DEBUG="1", CACHE_URL="memcache://x"
    )

    assert result.returncode != 0
    assert "CACHE_URL must start with redis://" in result.stderr
