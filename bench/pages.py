"""Server time of each kind of public page, without and with the page cache, in-process.

    DATABASE_URL=… python bench/pages.py [--samples 20]

Reads the database the settings point at (load it first, e.g. `manage.py load_demo
--papers 100000`), with production settings (DEBUG off). For each kind of page it
fetches `--samples` different pages through Django's test client: first with the page
cache off (every page made; rendered Markdown cached as in production), then twice with
it on (the second view is served from the default page cache, a folder of files, which
it empties before and after). Prints p50 and p95 of each: the server's own time, without
HTTP or a network.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notesite.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
# Plain HTTP, as behind a TLS proxy: the test client asks for pages over http.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ["PAGE_CACHE_MAX_ENTRIES"] = "100000"

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from papers import site_counts  # noqa: E402
from papers.models import Paper  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=20)
    options = parser.parse_args()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    rng = random.Random(1)  # noqa: S311 - a repeatable sample of pages
    kinds = pages(rng, options.samples)
    if not kinds["note"]:
        sys.exit("No public notes: run `manage.py load_demo --papers 100000` first.")
    client = Client()
    caches["pages"].clear()
    print(f"{Paper.objects.published().count():,} public notes on {connection.vendor}")
    print(f"{'page':<14} {'uncached p50':>13} {'p95':>8} {'cached p50':>11} {'p95':>8}")
    for kind, urls in kinds.items():
        settings.PAGE_CACHE_ENABLED = False
        for url in urls:
            client.get(url)  # Markdown rendered and cached, as a live site would have it
        uncached = [timed(client, url) for url in urls]
        settings.PAGE_CACHE_ENABLED = True
        for url in urls:
            client.get(url)
        cached = [timed(client, url) for url in urls]
        figures = [p(uncached, 50), p(uncached, 95), p(cached, 50), p(cached, 95)]
        print(f"{kind:<14} {figures[0]:11.1f}ms {figures[1]:6.1f}ms {figures[2]:9.1f}ms {figures[3]:6.1f}ms")
    caches["pages"].clear()


def sample_notes(rng, samples):
    """`samples` public notes drawn with `rng`: the demo data and a seeded `rng` give the
    same notes, so the same pages and searches, on every run and database."""
    ids = sorted(Paper.objects.published().values_list("pk", flat=True))
    chosen = rng.sample(ids, min(samples, len(ids)))
    notes = Paper.objects.select_related("venue", "area").in_bulk(chosen)
    return [notes[pk] for pk in chosen]


def pages(rng, samples):
    notes = sample_notes(rng, samples)
    counts = site_counts.site_counts()
    venues = site_counts.venues_listed(counts.venues())
    pairs = {(paper.venue.slug, paper.area.slug) for paper in notes}
    return {
        "home": ["/"] * min(samples, 5),
        "venue": [f"/{venue.slug}/" for venue in venues][:samples],
        "venue×area": [f"/{venue}/{area}/" for venue, area in sorted(pairs)][:samples],
        "note": [paper.get_absolute_url() for paper in notes],
        "area": [f"/areas/{area.slug}/" for area in site_counts.areas_listed(counts.areas())[:samples]],
        "topic": [
            f"/topics/{topic.slug}/" for topic in site_counts.topics_listed(counts.topics(), limit=samples)
        ],
        "list": [f"/papers/?page={rng.randint(1, 50)}" for _ in range(samples)],
    }


def timed(client, url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        sys.exit(f"{url} answered {response.status_code}")
    return elapsed


def p(values, q):
    values = sorted(values)
    return values[max(0, round(q / 100 * len(values)) - 1)] if q != 50 else statistics.median(values)


if __name__ == "__main__":
    main()
