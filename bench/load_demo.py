"""Where `load_demo` spends its time, on the database the settings point at.

    python bench/load_demo.py [--papers 100000]
    DATABASE_URL=postgres://… python bench/load_demo.py

Builds the demo site in a throwaway test database (yours is not touched), with
production settings (DEBUG off), and prints the seconds spent in each part of
`papers.demo.build_demo_site()`: writing the notes in Python, saving the papers, their
topic links, their history records and their search rows (on PostgreSQL the vectors
are made by a trigger, which counts here), on SQLite the FTS5 tables filled at the end
from those rows, and the rest (on PostgreSQL mostly building the indexes again at the
end). Then the whole, and a yardstick of the machine's speed at that moment, as
`bench/run.py` prints it.
Budget (issue 7): the whole `load_demo --papers 100000` ≤ 120 s.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notesite.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.query import QuerySet  # noqa: E402

from bench.run import cpu_check  # noqa: E402
from notesite import content_listener  # noqa: E402
from papers import demo, search  # noqa: E402
from papers.models import Paper  # noqa: E402

PARTS = {
    "write the notes (Python)": (demo.NoteWriter, "paper"),
    "topic links": (demo, "_link_topics"),
    "history records": (demo, "record_paper_history"),
    "search rows": (demo, "index_papers"),
    "full-text tables (SQLite)": (search, "fill_full_text_tables"),
}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=100_000)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    if connection.vendor == "sqlite":
        # A file, as in production, not the in-memory database tests use.
        connection.settings_dict["TEST"]["NAME"] = str(folder / "bench-load.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seconds, whole = timed_build(options.papers)
    finally:
        content_listener.stop()  # its connection would keep the database from being dropped
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{connection.vendor}, {options.papers:,} public notes (CPU check {cpu_check():.0f} ms)")
    for part, spent in seconds.items():
        print(f"  {part:<28} {spent:7.1f} s")
    print(f"  {'the rest':<28} {whole - sum(seconds.values()):7.1f} s")
    print(f"  {'build_demo_site, in all':<28} {whole:7.1f} s")


def timed_build(papers):
    """(seconds by part, seconds in all) of building a demo site of `papers` notes."""
    seconds = dict.fromkeys([*PARTS, "papers"], 0.0)

    def timing(part, function):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[part] += time.perf_counter() - started

        return timed

    originals = {part: getattr(owner, name) for part, (owner, name) in PARTS.items()}
    plain_bulk_create = QuerySet.bulk_create

    def bulk_create(queryset, *args, **kwargs):
        if queryset.model is not Paper:
            return plain_bulk_create(queryset, *args, **kwargs)
        return timing("papers", plain_bulk_create)(queryset, *args, **kwargs)

    for part, (owner, name) in PARTS.items():
        setattr(owner, name, timing(part, originals[part]))
    QuerySet.bulk_create = bulk_create
    try:
        started = time.perf_counter()
        demo.build_demo_site(papers=papers)
        return dict(seconds), time.perf_counter() - started
    finally:
        for part, (owner, name) in PARTS.items():
            setattr(owner, name, originals[part])
        QuerySet.bulk_create = plain_bulk_create


if __name__ == "__main__":
    main()
