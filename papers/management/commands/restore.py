"""`manage.py restore PATH`: load a backup into a freshly migrated, empty database."""

import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` (PATH, or - for standard input) into this "
        "database, which must be freshly migrated and empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file, or - for standard input.")

    def handle(self, *args, path, **options):
        started = time.monotonic()
        with tempfile.TemporaryDirectory() as folder:
            if path == "-":
                # A zip file is read from its end: keep standard input in a file first.
                source = Path(folder) / "backup.zip"
                with source.open("wb") as copy:
                    shutil.copyfileobj(sys.stdin.buffer, copy)
            else:
                source = Path(path)
                if not source.is_file():
                    raise CommandError(f"{source} is not a file.")
            try:
                manifest = restore(source)
            except zipfile.BadZipFile:
                raise CommandError(f"{path} is not a backup made by `manage.py backup`.") from None
            except BackupError as error:
                raise CommandError(str(error)) from None
        counts = manifest["counts"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {sum(counts.values()):,} records ({counts.get('papers.Paper', 0):,} papers, "
                f"{counts.get('auth.User', 0):,} users) from a backup of {manifest['created_at']} "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
