"""`manage.py load_demo`: fill an empty database with a generated demo site."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from papers.demo import build_demo_site
from papers.models import Paper, Topic
from papers.services import refresh_planner_statistics
from venues.models import Area, Venue

MAX_PAPERS = 1_000_000


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo site: venues, areas, topics and generated paper notes "
        "(the same seed always gives the same site). Refuses to touch a database that holds content."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--papers",
            type=int,
            default=3000,
            help=f"How many public notes to create (0–{MAX_PAPERS:,}); a few percent more drafts, "
            "notes in review and scheduled notes come on top. Default: 3000.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed for the generator. Default: 0.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Skip quietly, instead of failing, when the database already holds content.",
        )

    def handle(self, *args, papers, seed, if_empty, verbosity, **options):
        if not 0 <= papers <= MAX_PAPERS:
            raise CommandError(f"--papers must be between 0 and {MAX_PAPERS:,}, not {papers:,}.")
        started = time.monotonic()
        # One transaction around the check and the writes, so that nothing can slip
        # in between them.
        with transaction.atomic():
            existing = _existing_content()
            if existing:
                message = f"The database already holds {existing}; load_demo only fills an empty database."
                if if_empty:
                    self.stdout.write(f"Skipped: {message}")
                    return
                raise CommandError(message)
            counts = build_demo_site(
                papers=papers, seed=seed, progress=self._progress if verbosity > 1 else None
            )
        refresh_planner_statistics()
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {counts.venues} venues, {counts.areas} areas, {counts.topics} topics and "
                f"{counts.published:,} published papers (plus {counts.drafts:,} drafts, "
                f"{counts.in_review:,} in review and {counts.scheduled:,} scheduled) "
                f"in {time.monotonic() - started:.1f} s."
            )
        )

    def _progress(self, done, total):
        self.stdout.write(f"  {done:,} / {total:,} papers written")


def _existing_content():
    """What the database already holds, e.g. "120 papers, 10 venues and 36 areas"; "" when empty."""
    counts = [
        (Paper.objects.count(), "papers"),
        (Venue.objects.count(), "venues"),
        (Area.objects.count(), "areas"),
        # Topics too: the demo creates its own and their names must be free.
        (Topic.objects.count(), "topics"),
    ]
    held = [f"{count:,} {noun}" for count, noun in counts if count]
    if len(held) > 1:
        return ", ".join(held[:-1]) + " and " + held[-1]
    return "".join(held)
