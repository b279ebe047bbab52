"""The site as it runs in production: gunicorn with gunicorn.conf.py and production
settings, a database that goes away and comes back, and two instances sharing one
PostgreSQL and one Redis.

Tests that need PostgreSQL or Redis skip, saying so, when the suite runs without them
(the PostgreSQL ones run when the suite itself runs on PostgreSQL).
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import redis
from django.contrib.auth.models import User
from django.db import connection

from papers.models import Paper
from tests.factories import AreaFactory, PaperFactory, VenueFactory
from tests.servers import ROOT, Browser, TcpProxy, gunicorn, production_env, request

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    """Static files collected as the image collects them: production serves hashed names
    from a manifest, and every page (the error pages too) links to them."""
    root = tmp_path_factory.mktemp("staticfiles")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=production_env(DJANGO_STATIC_ROOT=str(root)),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root


def site_env(static_root, **env):
    return production_env(DJANGO_STATIC_ROOT=str(static_root), **env)


@pytest.fixture
def postgres():
    """The test database's settings; the test is skipped unless the suite runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run the suite with DATABASE_URL=postgres://…")
    return connection.settings_dict


def postgres_url(database, host, port):
    """The test database, reached at host:port."""
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{host}:{port}/{database['NAME']}"


@pytest.fixture
def redis_url():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"needs Redis at {REDIS_URL} (TEST_REDIS_URL)")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def test_gunicorn_finishes_requests_in_flight_on_sigterm(tmp_path):
    env = production_env()
    with gunicorn(tmp_path, env, app="tests.slow_app:application", ready_path="/") as server:
        answers = []
        in_flight = threading.Thread(target=lambda: answers.append(request(server.url + "/?seconds=2")))
        in_flight.start()
        time.sleep(0.5)

        server.process.send_signal(signal.SIGTERM)
        in_flight.join(timeout=15)
        exit_code = server.process.wait(timeout=35)

    assert answers[0].status == 200
    assert answers[0].body == "finished after 2.0 s"
    assert exit_code == 0
    with pytest.raises(OSError):
        request(server.url + "/", timeout=2)


@pytest.mark.parametrize("preload", ["1", "0"])
def test_a_worker_keeps_the_application_out_of_garbage_collection(tmp_path, preload):
    """Frozen, the objects loaded at start are not walked by each full collection."""
    env = production_env(GUNICORN_PRELOAD=preload)
    with gunicorn(tmp_path, env, app="tests.slow_app:application", ready_path="/") as server:
        answer = request(server.url + "/?frozen")

    assert answer.status == 200
    assert int(answer.body.removeprefix("frozen ")) > 10_000  # gunicorn's own modules, at least


@pytest.mark.parametrize(("setting", "closed_at"), [(None, 100), ("3", 3), ("0", None), ("-1", None)])
def test_a_kept_alive_connection_is_closed_after_keepalive_requests(tmp_path, setting, closed_at):
    """GUNICORN_KEEPALIVE_REQUESTS (100 by default, 0 or less: never): the answer to that request
    on one connection says "Connection: close", so the client's next connection goes to
    whichever worker is free."""
    env = production_env(**({"GUNICORN_KEEPALIVE_REQUESTS": setting} if setting else {}))
    with gunicorn(tmp_path, env, app="tests.slow_app:application", ready_path="/") as server:
        host, port = server.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        kept, closed = 0, None
        for number in range(1, 151):
            connection.request("GET", "/")
            answer = connection.getresponse()
            assert answer.read() == b"finished after 0.0 s"
            if answer.will_close:
                closed = number
                break
            kept += 1
        connection.close()

    assert closed == closed_at
    assert kept == (closed_at - 1 if closed_at else 150)


def test_an_unreachable_database_is_a_503_within_two_seconds(tmp_path, static_root):
    # Nothing listens on port 1: connections are refused, as with the server stopped.
    env = site_env(static_root, DATABASE_URL="postgres://postgres@127.0.0.1:1/notes", CACHE_URL="locmem://")
    with gunicorn(tmp_path, env) as server:
        page = request(server.url + "/papers/")
        ready = request(server.url + "/readyz")
        alive = request(server.url + "/healthz")
        log = server.log()

    assert page.status == 503
    assert page.seconds < 2
    assert page.headers["Retry-After"] == "30"
    assert "Back in a moment" in page.body
    assert "Traceback" not in page.body
    assert ready.status == 503
    assert json.loads(ready.body)["database"] == "unreachable"
    assert alive.status == 200
    # The failure is logged as a JSON line carrying the request's id.
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    failure = next(entry for entry in entries if entry["message"] == "Service Unavailable: /papers/")
    assert failure["request_id"] == page.headers["X-Request-ID"]
    assert failure["status"] == 503
    assert "Connection refused" in failure["exception"]


def test_the_database_goes_away_and_comes_back(postgres, django_db_setup, static_root, tmp_path):
    proxy = TcpProxy(postgres["HOST"] or "127.0.0.1", int(postgres["PORT"] or 5432))
    env = site_env(
        static_root, DATABASE_URL=postgres_url(postgres, "127.0.0.1", proxy.port), CACHE_URL="locmem://"
    )
    proxy.start()
    try:
        with gunicorn(tmp_path, env) as server:
            assert request(server.url + "/").status == 200
            assert request(server.url + "/readyz").status == 200

            proxy.stop()  # every open connection cut, no new ones
            kept_page = request(server.url + "/")
            uncached = request(server.url + "/papers/")
            not_ready = request(server.url + "/readyz")

            proxy.start()
            back = [request(server.url + path) for path in ("/papers/", "/papers/", "/", "/readyz")]
    finally:
        proxy.stop()

    assert kept_page.status == 200  # from the page cache
    assert uncached.status == 503
    assert uncached.seconds < 2
    assert uncached.headers["Retry-After"] == "30"
    assert not_ready.status == 503
    assert [response.status for response in back] == [200, 200, 200, 200]


@pytest.mark.django_db(transaction=True)
def test_two_instances_share_one_database_and_one_cache(postgres, redis_url, static_root, tmp_path):
    venue, area = VenueFactory(name="ICML2025"), AreaFactory(slug="llm_pretraining")
    PaperFactory(venue=venue, area=area, title="Already public")
    draft = PaperFactory(venue=venue, area=area, title="Published through instance A", draft=True)
    User.objects.create_superuser("chief", "chief@example.org", "chiefs-password")
    page = "/ICML2025/llm_pretraining/"
    env = site_env(
        static_root,
        DATABASE_URL=postgres_url(postgres, postgres["HOST"] or "127.0.0.1", postgres["PORT"] or 5432),
        CACHE_URL=redis_url,
        PAGE_CACHE_ENABLED="1",
    )

    with gunicorn(tmp_path, env) as a, gunicorn(tmp_path, env) as b:
        before = request(b.url + page)
        pages_in_redis = len(redis.Redis.from_url(redis_url).keys("*page:*"))

        editor = Browser()
        signed_in = editor.sign_in(a.url, "chief", "chiefs-password")
        published = editor.request(
            a.url + "/admin/papers/paper/",
            "POST",
            {
                "csrfmiddlewaretoken": editor.csrf_token(),
                "action": "publish",
                "_selected_action": [draft.pk],
                "index": 0,
            },
        )
        after = request(b.url + page)

    assert before.status == 200
    assert "Already public" in before.body
    assert "Published through instance A" not in before.body
    assert pages_in_redis >= 1
    assert signed_in.status == 302
    assert published.status == 302
    assert Paper.objects.get(pk=draft.pk).status == Paper.Status.PUBLISHED
    assert after.status == 200
    assert "Published through instance A" in after.body
