"""Size and render cost of note pages, on the database the settings point at.

    DJANGO_DEBUG=1 python bench/note_pages.py [--notes 300]

Fetches a sample of public note pages twice each through Django's test client and
prints the HTML size (budget: at most 30 KB for a typical note), the queries per page,
and the time of the first view (Markdown rendered) against the second (served from the
render cache).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notesite.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from papers.models import Paper  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--notes", type=int, default=300)
    options = parser.parse_args()
    papers = list(Paper.objects.published().select_related("venue", "area").order_by("?")[: options.notes])
    if not papers:
        sys.exit("No public notes: run `manage.py load_demo` first.")
    client = Client(HTTP_HOST="127.0.0.1")
    cache.clear()
    sizes, queries, first, second = [], [], [], []
    for paper in papers:
        url = paper.get_absolute_url()
        for timings in (first, second):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
        sizes.append(len(response.content))
        queries.append(len(captured))

    def p(values, q):
        return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]

    print(f"{len(papers)} note pages on {connection.vendor}")
    print(
        f"  HTML size: median {statistics.median(sizes) / 1024:.1f} KB, p95 {p(sizes, 95) / 1024:.1f} KB, "
        f"max {max(sizes) / 1024:.1f} KB (budget 30 KB)"
    )
    print(f"  queries per page: {sorted(set(queries))}")
    print(f"  first view (renders): median {statistics.median(first):.1f} ms, p95 {p(first, 95):.1f} ms")
    print(f"  second view (cached): median {statistics.median(second):.1f} ms, p95 {p(second, 95):.1f} ms")


if __name__ == "__main__":
    main()
