"""Search speed at 100,000 notes, on the database the settings point at.

    python bench/search.py [--papers 100000] [--runs 3]
    DATABASE_URL=postgres://… python bench/search.py

Builds a demo site in a throwaway test database (yours is not touched), then times, in
this process with production settings (DEBUG off) but the page cache off, its objects
kept out of full garbage collections as gunicorn's workers keep theirs, through
Django's test client:

- the search results page /papers/?q=… (a ranked page of 20 with snippets, the number
  of results and the counts by venue, area and topic): single common words, single
  rare words, two-word searches, exact phrases, a prefix being typed;
- each of those narrowed by a click on its largest venue (a facet chosen);
- title suggestions, /papers/suggest/?q=….

Terms are drawn from the index itself: "common" words are in more than 20% of the
notes, "rare" ones in fewer than 0.1%; phrases are three consecutive words of a
random note's body. Prints p50 and p95 per kind, and the median number of notes
listed (at most SEARCH_MATCH_LIMIT), after the CPU check of `bench/run.py` (the
machine's speed at that moment: compare runs with it). Budget: p95 ≤ 50 ms,
suggestions ≤ 20 ms.
"""

import argparse
import gc
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notesite.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
# Plain HTTP, as behind a TLS proxy: the test client asks for pages over http.
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from bench.run import cpu_check  # noqa: E402
from notesite import content_listener  # noqa: E402
from papers.demo import build_demo_site  # noqa: E402
from papers.models import Paper, PaperSearch  # noqa: E402
from papers.services import refresh_planner_statistics  # noqa: E402

PLAIN_RENDER = Template._render  # before setup_test_environment() instruments it
SAMPLE = 3000  # notes read to estimate how common each word is
PER_KIND = 20  # different searches of each kind


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each search (after one warm-up)")
    options = parser.parse_args()
    # Every page made, not served from the page cache (bench/pages.py times that).
    settings.PAGE_CACHE_ENABLED = False
    # Plain static file URLs: no collectstatic needed for a throwaway run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    setup_test_environment()
    folder = Path(tempfile.mkdtemp(prefix="bench-search-"))
    if connection.vendor == "sqlite":
        # A file, as in production, not the in-memory database tests use; in a folder of
        # its own, so that two runs at once do not share it.
        connection.settings_dict["TEST"]["NAME"] = str(folder / "bench-search.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(options)
    finally:
        content_listener.stop()  # its connection would keep the database from being dropped
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        shutil.rmtree(folder, ignore_errors=True)


def run(options):
    started = time.perf_counter()
    build_demo_site(papers=options.papers)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # as autovacuum would soon: index-only scans need it
    else:
        refresh_planner_statistics()
    # As in the site's gunicorn workers (gunicorn.conf.py): what is loaded so far stays
    # out of the garbage collector's full collections.
    gc.collect()
    gc.freeze()
    print(
        f"{Paper.objects.count():,} notes ({options.papers:,} public) on {connection.vendor}, "
        f"built in {time.perf_counter() - started:.0f} s; CPU check {cpu_check():.0f} ms",
        flush=True,
    )
    rng = random.Random(1)  # noqa: S311 - a repeatable choice of search terms
    kinds = search_kinds(rng)
    client = Client()
    print(f"{'search (page with counts)':<34} {'p50':>9} {'p95':>9}   listed (median)")
    for kind, queries in kinds.items():
        times, totals, narrowed, narrowed_totals = [], [], [], []
        for q in queries:
            response = timed(client, {"q": q}, options.runs, times)
            totals.append(response.context["page"].paginator.count)
            # Then narrowed by a click on its largest venue, as a reader would.
            venues = dict(response.context["facet_groups"]).get("Venues")
            if venues:
                url = venues[0][2]
                params = dict(parse_qsl(url.removeprefix("?")))
                response = timed(client, params, options.runs, narrowed)
                narrowed_totals.append(response.context["page"].paginator.count)
        report(kind, times, statistics.median(totals))
        report(f"{kind}, one venue chosen", narrowed, statistics.median(narrowed_totals or [0]))

    suggest_times = []
    for prefix in [word[: rng.randint(3, 6)] for word in rng.sample(vocabulary(rng)[0], PER_KIND)]:
        client.get("/papers/suggest/", {"q": prefix})
        for _ in range(options.runs):
            started = time.perf_counter()
            client.get("/papers/suggest/", {"q": prefix})
            suggest_times.append(time.perf_counter() - started)
    report("suggestions", suggest_times, None)


def vocabulary(rng):
    """(words, document frequency in a sample of notes, sample size)."""
    ids = sorted(PaperSearch.objects.values_list("paper_id", flat=True))
    sample = rng.sample(ids, min(SAMPLE, len(ids)))
    frequency = Counter()
    for text in PaperSearch.objects.filter(paper_id__in=sample).values_list("body", flat=True):
        frequency.update({word for word in text.split() if word.isalpha() and len(word) > 3})
    return sorted(frequency), frequency, len(sample)


def search_kinds(rng):
    words, frequency, sampled = vocabulary(rng)
    common = [w for w in words if frequency[w] > 0.2 * sampled]
    rare = [w for w in words if frequency[w] <= max(1, 0.001 * sampled)]
    # Drawn with `rng`, as every other term, so that each run times the same phrases.
    ids = sorted(PaperSearch.objects.values_list("paper_id", flat=True))
    chosen = rng.sample(ids, PER_KIND)
    by_id = dict(PaperSearch.objects.filter(paper_id__in=chosen).values_list("paper_id", "body"))
    bodies = [by_id[pk] for pk in chosen]
    phrases = []
    for body in bodies:
        tokens = body.split()
        start = rng.randrange(max(1, len(tokens) - 3))
        phrases.append('"' + " ".join(tokens[start : start + 3]) + '"')
    pick = lambda items: rng.sample(items, min(PER_KIND, len(items)))  # noqa: E731
    return {
        "common word": pick(common),
        "rare word": pick(rare),
        "two words": [f"{a} {b}" for a, b in zip(pick(common), pick(words), strict=False)],
        "exact phrase": phrases,
        "prefix as typed": [f"{a} {b[:4]}" for a, b in zip(pick(words), pick(common), strict=False)],
    }


def timed(client, params, runs, times):
    """GET the results page once to warm up (its response, with the context the test
    client records, is returned), then `runs` times, timing each as a server renders
    it: without the test client's template instrumentation, which copies each
    template's context and adds milliseconds to a page."""
    response = client.get("/papers/", params)
    instrumented, Template._render = Template._render, PLAIN_RENDER
    try:
        for _ in range(runs):
            started = time.perf_counter()
            status = client.get("/papers/", params).status_code
            times.append(time.perf_counter() - started)
            if status != 200:
                sys.exit(f"/papers/ with {params} answered {status}")
    finally:
        Template._render = instrumented
    return response


def report(label, seconds, results):
    values = sorted(s * 1000 for s in seconds)
    p95 = values[max(0, round(0.95 * len(values)) - 1)]
    count = f"{results:,.0f}" if results is not None else ""
    print(f"{label:<34} {statistics.median(values):7.1f}ms {p95:7.1f}ms   {count}", flush=True)


if __name__ == "__main__":
    main()
