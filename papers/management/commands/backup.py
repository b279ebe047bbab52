"""`manage.py backup PATH`: everything the site keeps, as one consistent snapshot file."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.backup import back_up


class Command(BaseCommand):
    help = (
        "Write a backup of all content, users and history to PATH (a zip file; '-' writes it "
        "to standard output). Restore it with `manage.py restore PATH`."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write, or - for standard output.")
        parser.add_argument("--overwrite", action="store_true", help="Replace PATH if it exists.")

    def handle(self, *args, path, overwrite, **options):
        started = time.monotonic()
        if path == "-":
            manifest = back_up(sys.stdout.buffer)
            sys.stdout.buffer.flush()
            report, where = self.stderr, "standard output"
        else:
            target = Path(path)
            if target.exists() and not overwrite:
                raise CommandError(f"{target} exists; choose another name or pass --overwrite.")
            # Written beside the target, then renamed: a backup that fails half-way never
            # leaves a file that looks whole.
            partial = target.with_name(target.name + ".partial")
            try:
                manifest = back_up(partial)
                partial.replace(target)
            except OSError as error:
                partial.unlink(missing_ok=True)
                raise CommandError(f"Cannot write {target}: {error}") from None
            report, where = self.stdout, f"{target} ({target.stat().st_size / 1e6:.1f} MB)"
        counts = manifest["counts"]
        report.write(
            self.style.SUCCESS(
                f"Backed up {sum(counts.values()):,} records ({counts.get('papers.Paper', 0):,} papers, "
                f"{counts.get('auth.User', 0):,} users) to {where} in {time.monotonic() - started:.1f} s."
            )
        )
