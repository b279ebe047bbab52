"""gunicorn settings, every one from the environment: `gunicorn -c gunicorn.conf.py notesite.wsgi`.

gthread workers by default: a page spends part of its time waiting on the database,
so a few threads per process serve more readers than more processes would, for less
memory (each process holds its own copy of Django and the project).
"""

import gc
import os


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# GUNICORN_BIND, or GUNICORN_HOST:PORT (the image sets GUNICORN_HOST=0.0.0.0 and PORT=8000).
bind = os.environ.get("GUNICORN_BIND") or (
    f"{os.environ.get('GUNICORN_HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = _int("GUNICORN_WORKERS", (os.cpu_count() or 1) + 1)
threads = _int("GUNICORN_THREADS", 4)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# A request that takes longer than this is stuck: the worker is restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On SIGTERM, requests in flight get this long to finish before the workers go.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# A kept-alive connection is closed after this many requests (0 or less: never), as nginx's
# `keepalive_requests` does; gunicorn has no such setting, so pre_request below applies
# it. A connection stays with the worker that accepted it: a client or proxy that keeps
# a few connections open, all taken by one busy worker, would leave the other workers
# idle for as long as they last. Closed now and then, each comes back to whichever
# worker is free (docs/performance.md, "The cached-page dip").
_keepalive_requests = _int("GUNICORN_KEEPALIVE_REQUESTS", 100)
# Recycle a worker now and then, so that no slow leak can grow without bound.
max_requests = _int("GUNICORN_MAX_REQUESTS", 10_000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 1_000)


def pre_request(worker, req):
    worker.log.debug("%s %s", req.method, req.path)  # what gunicorn's own hook does
    if 0 < _keepalive_requests <= req.req_number:
        req.must_close = True  # answered with "Connection: close"


# Load the application once, before forking: workers share its memory pages.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1").strip().lower() in {"1", "true", "yes", "on"}


# The application's objects (Django's and the project's, about 70,000) live as long as
# the process. Frozen, as Python's documentation advises for a server that forks, the
# garbage collector no longer walks them on each full collection (40 ms on this machine,
# every few dozen requests: a slow request for whoever made it), nor writes to their
# memory pages, which stay shared between the workers.
def pre_fork(server, worker):
    gc.freeze()  # with preload_app, the application loaded in the master


def post_worker_init(worker):
    gc.freeze()  # what each worker loaded itself: the application, without preload_app


# Access log to stdout only when asked: the request log of a busy site is the proxy's job.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
# gunicorn's usual line, ending with the request id the site sent back (notesite/logs.py).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %({x-request-id}o)s'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's own lines as JSON on stdout too, like the site's (notesite/logs.py), so that
# a log collector reads one format: the same rule as the settings' DJANGO_LOG_FORMAT.
_debug = os.environ.get("DJANGO_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}
if (os.environ.get("DJANGO_LOG_FORMAT") or ("text" if _debug else "json")) == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "notesite.logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "notesite.logs.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "filters": ["request_id"],
                "formatter": "json",
            }
        },
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {
            name: {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False}
            for name in ("gunicorn.error", "gunicorn.access")
        },
    }
