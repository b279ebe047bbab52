"""Production is safe by default: TLS, security headers, the Content-Security-Policy,
and error pages that show no internals."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.test import Client

from tests.factories import PaperFactory
from tests.test_settings import ROOT, run_clean

# Exactly what an operator must set: nothing else.
THREE_VARIABLES = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 10 + "an-operator's-long-random-secret-key-0123456789",
    "DJANGO_ALLOWED_HOSTS": "notes.example.org",
    "DATABASE_URL": "postgres://notes:secret@db:5432/notes",
}
SECURITY_SETTINGS = [
    "DEBUG",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "LOG_FORMAT",
]


def production_settings(**env):
    """The security settings notesite/settings.py makes from the three variables (and `env`)."""
    code = (
        "import json, notesite.settings as s; "
        f"print(json.dumps({{name: getattr(s, name, None) for name in {SECURITY_SETTINGS!r}}}))"
    )
    result = run_clean(sys.executable, "-c", code, **{**THREE_VARIABLES, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production():
    return production_settings()


@pytest.fixture
def in_production(settings, production):
    """This test process with production's security settings (the database and the rest
    stay the test run's)."""
    for name, value in production.items():
        if name != "LOG_FORMAT":
            setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    settings.ALLOWED_HOSTS = ["notes.example.org", "testserver"]
    return settings


def test_check_deploy_is_clean_with_only_the_three_variables():
    result = run_clean(
        sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING", **THREE_VARIABLES
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_defaults_are_strict(production):
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SESSION_COOKIE_SECURE"] is production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["LOG_FORMAT"] == "json"


def test_a_first_deploy_relaxes_tls_explicitly():
    relaxed = production_settings(
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_HSTS_SECONDS="300",
        DJANGO_TRUST_X_FORWARDED_PROTO="0",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://notes.example.org, https://www.notes.example.org",
    )

    assert relaxed["SECURE_SSL_REDIRECT"] is False
    assert relaxed["SECURE_HSTS_SECONDS"] == 300
    assert relaxed["SECURE_PROXY_SSL_HEADER"] is None
    assert relaxed["CSRF_TRUSTED_ORIGINS"] == ["https://notes.example.org", "https://www.notes.example.org"]


def test_the_development_defaults_need_no_tls():
    development = production_settings(DJANGO_DEBUG="1")

    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0
    assert development["SESSION_COOKIE_SECURE"] is False


@pytest.mark.django_db
def test_every_security_header_on_a_public_page(client, in_production):
    paper = PaperFactory()

    response = client.get(paper.get_absolute_url(), headers={"host": "notes.example.org"}, secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["font-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, in_production):
    response = client.get("/papers/", headers={"host": "notes.example.org"})

    assert response.status_code == 301
    assert response["Location"] == "https://notes.example.org/papers/"


@pytest.mark.django_db
def test_the_proxys_x_forwarded_proto_is_trusted(client, in_production):
    response = client.get("/papers/", headers={"host": "notes.example.org", "x-forwarded-proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_plain_http_from_any_host(client, in_production, path):
    # An orchestrator probes the container's address over HTTP: no redirect, no Host check.
    response = client.get(path, headers={"host": "10.0.3.7:8000"})

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_admin_enforces_scripts_from_files_and_reports_inline_styles(client, in_production):
    response = client.get("/admin/login/", headers={"host": "notes.example.org"}, secure=True)

    assert response.status_code == 200
    enforced = directives(response["Content-Security-Policy"])
    assert enforced["script-src"] == ["'self'"]
    assert enforced["style-src"] == ["'self'", "'unsafe-inline'"]
    report_only = directives(response["Content-Security-Policy-Report-Only"])
    assert report_only["style-src"] == ["'self'"]


@pytest.fixture
def site_pages(db):
    paper = PaperFactory(
        title="Attention with $O(n)$ memory",
        summary="We show $x^2$ inline.",
        body="## Method\n\n$$\\sum_i x_i$$\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n",
        topics=["LLM"],
    )
    return [
        "/",
        f"/{paper.venue.slug}/",
        f"/{paper.venue.slug}/{paper.area.slug}/",
        paper.get_absolute_url(),
        f"/areas/{paper.area.slug}/",
        "/topics/llm/",
        "/papers/",
        "/papers/?q=attention",
        "/no-such-venue/",
    ]


def test_public_pages_have_no_inline_script_or_style(client, site_pages, settings):
    settings.DEBUG = False  # the real 404 page, not the debug one
    for url in site_pages:
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            # JSON-LD is data, not script: CSP does not apply to it.
            assert "src=" in tag or 'type="application/ld+json"' in tag, (url, tag)
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", html), url


@pytest.mark.django_db
def test_a_cached_page_carries_the_same_policy_for_every_reader(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    caches["pages"].clear()
    paper = PaperFactory()

    first = client.get(paper.get_absolute_url())
    second = client.get(paper.get_absolute_url())

    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "nonce-" not in first["Content-Security-Policy"]
    caches["pages"].clear()


@pytest.mark.django_db
def test_the_404_page_is_in_the_sites_look(client, in_production):
    response = client.get("/no-such-venue/", headers={"host": "notes.example.org"}, secure=True)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_the_500_page_shows_no_traceback(client, in_production):
    in_production.ROOT_URLCONF = "tests.broken_urls"
    client.raise_request_exception = False

    response = client.get("/broken/", headers={"host": "notes.example.org"}, secure=True)

    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "internal detail" not in body
    assert "Traceback" not in body
    assert 'href="/static/css/site.css"' in body


@pytest.mark.django_db
def test_an_unknown_host_is_a_400_not_a_500(client, in_production):
    client.raise_request_exception = False

    response = client.get("/", headers={"host": "evil.example.com"}, secure=True)

    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


@pytest.mark.django_db
def test_a_failed_csrf_check_gets_the_sites_page(in_production):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/admin/login/",
        {"username": "someone", "password": "x"},
        headers={"host": "notes.example.org"},
        secure=True,
    )

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()


def test_the_image_lints_clean():
    hadolint = Path(sys.executable).parent / "hadolint"
    if not hadolint.exists():
        pytest.skip("hadolint is not installed (pip install -r requirements-dev.txt)")

    result = subprocess.run([hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stdout


def directives(policy):
    """A Content-Security-Policy header as {directive: [sources]}."""
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed
