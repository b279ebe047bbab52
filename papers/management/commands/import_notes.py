"""`manage.py import_notes PATH`: bring a static-site tree of notes into the database."""

import time

from django.core.management.base import BaseCommand, CommandError

from papers.importer import import_tree
from papers.topic_rules import RulesError, load_rules

BAR_WIDTH = 30
PLAIN_PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = (
        "Import a tree of Paper-Notes Markdown files (a docs/ folder, one venue folder or one area "
        "folder). Creates missing venues and areas, creates or updates papers (by venue and slug), "
        "reports every file it could not use. Exit status 1 when any file failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A docs/ tree, a venue folder or an area folder.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument(
            "--venue",
            dest="venues",
            nargs="+",
            action="extend",
            metavar="NAME",
            help="Only these venue folders (e.g. ICML2025).",
        )
        parser.add_argument(
            "--topic-rules", metavar="FILE", help="YAML or TOML file of topic name → keyword patterns."
        )

    def handle(self, *args, path, dry_run, venues, topic_rules, verbosity, **options):
        try:
            rules = load_rules(topic_rules) if topic_rules else None
        except RulesError as error:
            raise CommandError(str(error)) from None
        started = time.monotonic()
        try:
            report = import_tree(path, dry_run=dry_run, venues=venues, rules=rules, progress=self._progress)
        except FileNotFoundError as error:
            raise CommandError(str(error)) from None
        self._end_progress()

        for name in report.venues_created:
            self.stdout.write(f"{'Would create' if dry_run else 'Created'} venue {name}")
        for slug in report.areas_created:
            self.stdout.write(f"{'Would create' if dry_run else 'Created'} area {slug}")
        for file_path, warning in report.warnings:
            self.stderr.write(f"WARNING {file_path}: {warning}")
        for file_path, reason in report.failures:
            self.stderr.write(f"FAILED {file_path}: {reason}")
        summary = (
            f"{'Dry run, nothing written: would create' if dry_run else 'Created'} {report.created:,}, "
            f"{'update' if dry_run else 'updated'} {report.updated:,}, unchanged {report.unchanged:,}, "
            f"failed {report.failed:,} ({time.monotonic() - started:.1f} s)."
        )
        self.stdout.write(self.style.WARNING(summary) if report.failed else self.style.SUCCESS(summary))
        if report.failed:
            raise CommandError(f"{report.failed:,} file(s) could not be imported; see above.", returncode=1)

    def _progress(self, done, total):
        if self.stdout.isatty():
            if done == total or done % 50 == 0:
                filled = BAR_WIDTH * done // max(total, 1)
                bar = "#" * filled + "-" * (BAR_WIDTH - filled)
                self.stdout.write(f"\r[{bar}] {done:,}/{total:,} files", ending="")
                self.stdout.flush()
                self._bar_shown = True
        elif done % PLAIN_PROGRESS_EVERY == 0 or done == total:
            self.stdout.write(f"Read {done:,} of {total:,} files")

    def _end_progress(self):
        if getattr(self, "_bar_shown", False):
            self.stdout.write("")
