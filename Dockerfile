# Paper Notes: the web image. Build: `docker build -t paper-notes .`
# Run with DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL set (see README, Deploy).

# --- build: dependencies in a virtualenv, static files collected -------------------------
FROM python:3.12-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# Dependencies first, in their own layer: it is rebuilt only when requirements.txt changes.
COPY requirements.txt /tmp/requirements.txt
# pip itself is not needed to run the site: it stays behind (about 20 MB).
RUN pip install --no-cache-dir -r /tmp/requirements.txt \
    && pip uninstall --yes pip setuptools

WORKDIR /app
COPY . .
# Hashed, compressed static files, made once here. collectstatic needs the settings, which
# need a secret key: a throwaway one for this step only, not kept in the image.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
    python manage.py collectstatic --noinput --verbosity 0 \
    && python -m compileall -q /app

# --- runtime: the virtualenv, the code and the static files; no compiler, no pip cache ----
FROM python:3.12-slim

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_DEBUG=0 \
    GUNICORN_HOST=0.0.0.0 \
    PORT=8000

# A user of its own, no login shell, no home of its own. The code stays owned by root:
# the site cannot change it. It writes only to /tmp (the default page cache).
RUN groupadd --system --gid 10001 notes \
    && useradd --system --uid 10001 --gid notes --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin notes

COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app

USER 10001:10001
EXPOSE 8000

# /healthz answers while the process is up, without the database (see notesite/health.py).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]

# gunicorn as PID 1, so that `docker stop` (SIGTERM) reaches it: it stops taking new
# connections and lets requests in flight finish (GUNICORN_GRACEFUL_TIMEOUT, 30 s).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "notesite.wsgi"]
