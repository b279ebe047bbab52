"""Settings for the Paper Notes site.

One module, driven by the environment. The defaults suit a laptop (SQLite, nothing
else to install); production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and
DATABASE_URL and leaves DJANGO_DEBUG off.
"""

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    # Only ever used with DEBUG on, on a developer's machine.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    # Django's admin on the site's own AdminSite (optional two-factor login).
    "notesite.apps.PaperNotesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "taggit",
    "simple_history",
    "venues",
    "papers",
]

MIDDLEWARE = [
    # First, so that every log line of a request carries its id.
    "notesite.logs.RequestIdMiddleware",
    # Headers on every response, probes and static files included.
    "django.middleware.security.SecurityMiddleware",
    "notesite.security.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Before the Host check, sessions and the page cache (see notesite/health.py).
    "notesite.health.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication: it serves and keeps pages only for anonymous readers.
    "notesite.page_cache.PageCacheMiddleware",
    # Inside the page cache: a page not found may be one whose slug changed (a redirect).
    "notesite.former_slugs.FormerSlugsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records who made each change saved during a request, in the papers' history.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "notesite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "notesite.wsgi.application"

# SQLite by default: nothing to install. DATABASE_URL=postgres://… for PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Keep each worker thread's connection for a while instead of opening one per
        # request; the health check replaces one the database has dropped.
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; the busy timeout and IMMEDIATE
    # transactions make a writer wait for the lock instead of failing with
    # "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default random_page_cost (4) suits spinning disks; on SSDs and in
    # memory a random read costs about as much as a sequential one. With the default,
    # a search for a common word scans and decompresses every note's vector instead of
    # using the GIN index (measured: 300 ms against 30 ms at 100,000 notes).
    #
    # Parallel workers: none by default. A page's queries read a few thousand rows at
    # most; starting workers for them costs more than they save, and takes the cores
    # other requests need (measured on 2 busy cores: a search waited 99 ms for its
    # workers to start, for 17 ms of work).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c random_page_cost={os.environ.get('DJANGO_PG_RANDOM_PAGE_COST', '1.1')}"
        f" -c max_parallel_workers_per_gather={env_int('DJANGO_PG_PARALLEL_WORKERS', 0)}"
    )
    # Give up on an unreachable server quickly (libpq's default is to wait for ever,
    # psycopg's 130 s), so that a reader gets the "back soon" page in about 2 s instead
    # of a hung request. 2 s is the shortest libpq accepts.
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 2))

# While the database cannot be reached, pages answer 503 with this Retry-After.
DATABASE_RETRY_AFTER_SECONDS = env_int("DJANGO_DB_RETRY_AFTER_SECONDS", 30)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Security
#
# Production (DJANGO_DEBUG off) is locked down by default: `manage.py check --deploy`
# has nothing to say with only DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL
# set. A first deploy can relax the TLS parts explicitly (DJANGO_SECURE_SSL_REDIRECT=0,
# DJANGO_SECURE_HSTS_SECONDS=0, DJANGO_SECURE_COOKIES=0). While developing, none of the
# TLS settings apply, so that `make run` works over plain HTTP.
PRODUCTION = not DEBUG

# Behind a proxy that terminates TLS, the proxy's X-Forwarded-Proto says whether the
# reader used HTTPS. Trusted unless DJANGO_TRUST_X_FORWARDED_PROTO=0 (the site is
# reached directly, so a client could claim HTTPS and skip the redirect).
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
# Probes talk plain HTTP to the container: never redirect them (notesite/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# HSTS: a year by default. For a first deploy, start small (300) and raise it once
# HTTPS works everywhere: browsers remember the header for as long as it says.
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=PRODUCTION)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Links out (arXiv, code) carry no Referer; the site's own pages get the full URL.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The site uses none of these browser features: switch them off for every page.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# Content-Security-Policy (django-csp 4; the admin's variant in notesite/security.py).
# Public pages load scripts and styles only from the site's own files: no inline script
# and no nonce, so a cached page is the same for every reader. KaTeX sets its styles
# through the DOM (allowed) and loads its fonts from static/vendor. Notes may show
# images from any https address; the search box fetches suggestions from the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        # Where browsers send reports of blocked content, if anywhere.
        "report-uri": os.environ.get("DJANGO_CSP_REPORT_URI") or None,
    }
}
# The admin's inline <style> blocks and style attributes (Django's changelist,
# simple-history, select2) need 'unsafe-inline' for styles; scripts stay files only.
ADMIN_CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "style-src": [SELF, "'unsafe-inline'"],
    }
}

# Staff logins (django-axes): after LOGIN_FAILURE_LIMIT failed attempts for one
# username, that account cannot sign in for LOGIN_LOCKOUT_MINUTES, whatever the
# password. Counted by username, not by address: behind a proxy every editor shares
# one address, and an attacker can change theirs.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# No banner on every manage.py command; failures and lockouts are still logged.
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "notesite.errors.login_locked_out"
# Two-factor login to the admin (django-otp, TOTP): see notesite/admin_site.py.
ADMIN_TWO_FACTOR = env_bool("DJANGO_ADMIN_2FA", default=False)
# The name authenticator apps show for the site's codes.
OTP_TOTP_ISSUER = os.environ.get("DJANGO_OTP_ISSUER", "Paper Notes")

SILENCED_SYSTEM_CHECKS = [
    # axes.W006 asks to count failures by address too. Behind a proxy, without a trusted
    # client address, every editor shares one address and 5 typos anywhere would lock
    # everyone out; and rotating user agents or cookies cannot get round a lockout by
    # username, which is what the warning is about.
    "axes.W006",
]
if not SECURE_HSTS_PRELOAD:
    # security.W021 asks for HSTS "preload". Preloading is a promise the domain's owner
    # makes to browser vendors for the whole domain and cannot quickly take back, not a
    # default the software should make: DJANGO_SECURE_HSTS_PRELOAD=1 when that is meant.
    SILENCED_SYSTEM_CHECKS.append("security.W021")

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic puts the files whitenoise serves (the image collects them at build time).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production; plain files while developing, so that
    # no collectstatic is needed before `runserver` or the tests.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Logs go to stdout, each line tagged with its request's id (notesite/logs.py): JSON
# lines in production, for a log collector; plain text while developing.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT") or ("json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be json or text, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "notesite.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "notesite.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}


def cache_from_url(url):
    """CACHES["default"] from CACHE_URL: redis://…, file:///a/folder, locmem:// or dummy://."""
    scheme, _, rest = url.partition("://")
    if scheme in {"redis", "rediss"}:
        # Short timeouts, and an outage read as misses (notesite/redis_cache.py): the
        # site answers without its cache rather than waiting for it or failing.
        return {
            "BACKEND": "notesite.redis_cache.ForgivingRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    if scheme == "file":
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": rest}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, file://, locmem:// or dummy://, not {url!r}."
    )


# "pages" holds whole public pages (notesite/page_cache.py). With nothing set it is a
# folder of files, shared by every worker process on this machine; "default" (rendered
# Markdown and the like, never stale: keyed by each note's version) is then each
# process's own memory. CACHE_URL=redis://… makes both one cache shared by all machines.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": cache_from_url(CACHE_URL or "locmem://"),
    "pages": cache_from_url(CACHE_URL or f"file://{Path(tempfile.gettempdir()) / 'paper-notes-pages'}"),
}
if CACHES["pages"]["BACKEND"].endswith("FileBasedCache"):
    # Django's default of 300 entries would keep few pages of a site of thousands.
    CACHES["pages"]["OPTIONS"] = {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 20_000)}
for cache_settings in CACHES.values():
    cache_settings["TIMEOUT"] = env_int("CACHE_TIMEOUT", 24 * 3600)

# Whole public pages for anonymous readers, kept under the content version (see
# notesite/page_cache.py). Shared caches in front (a CDN) may keep a page PAGE_CACHE_SHARED_SECONDS
# and serve it stale while they fetch a fresh one for PAGE_CACHE_STALE_SECONDS more.
# Off by default while developing, so that an edited template shows at once.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", default=not DEBUG)
PAGE_CACHE_SHARED_SECONDS = env_int("PAGE_CACHE_SHARED_SECONDS", 60)
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 300)
# On PostgreSQL each process listens for the content's changes (notesite/content_listener.py,
# one more connection per process) instead of asking for the content version on every
# request. Turn it off behind a pooler that does not keep a connection to one client
# (PgBouncer in transaction mode): notifications would not arrive.
PAGE_CACHE_LISTEN = env_bool("PAGE_CACHE_LISTEN", default=True)
# Each process also keeps the pages it served last, under the current version only, up to
# this many MiB (0: none): a page read from memory skips reading, decompressing and
# unpickling it from the shared cache, a third of a millisecond for a list of 100 notes.
PAGE_CACHE_MEMORY_MB = env_int("PAGE_CACHE_MEMORY_MB", 16)

TAGGIT_CASE_INSENSITIVE = True

# An admin bulk action posts one field per selected paper: let editors act on a few
# thousand at once (Django's default stops at 1,000 fields).
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DJANGO_DATA_UPLOAD_MAX_NUMBER_FIELDS", 10_000)

# The venue×area page's "Top topics" line: at most this many topics, each used on
# at least this many of the page's papers.
TOP_TOPICS_LIMIT = env_int("TOP_TOPICS_LIMIT", 3)
TOP_TOPICS_MIN_COUNT = env_int("TOP_TOPICS_MIN_COUNT", 2)

# Papers per page on the venue×area, area, topic and filtered list pages.
PAPERS_PER_PAGE = env_int("PAPERS_PER_PAGE", 100)
# Search results per page: each shows a snippet, so fewer than a plain list.
SEARCH_RESULTS_PER_PAGE = env_int("SEARCH_RESULTS_PER_PAGE", 20)
# A search lists and counts at most this many matches, the best ones: its work stays
# bounded however common its words are. Narrowing it (a venue, a topic…) lists others.
SEARCH_MATCH_LIMIT = env_int("SEARCH_MATCH_LIMIT", 500)
# Notes shown under each area on a venue page before "browse all N".
VENUE_PAGE_NOTES_PER_AREA = env_int("VENUE_PAGE_NOTES_PER_AREA", 3)

# The topic rules `manage.py retopic` applies when no --rules file is given.
TOPIC_RULES_FILE = os.environ.get("TOPIC_RULES_FILE", str(BASE_DIR / "papers" / "topic_rules.yaml"))
