"""`manage.py export_notes PATH`: write the public notes out as a static-site tree."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from papers.exporter import export_tree


class Command(BaseCommand):
    help = "Write every venue, area and public note as a Paper-Notes Markdown tree under PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The folder to write (created if missing).")
        parser.add_argument(
            "--overwrite", action="store_true", help="Write into a folder that is not empty, replacing files."
        )

    def handle(self, *args, path, overwrite, **options):
        root = Path(path)
        if root.exists() and not root.is_dir():
            raise CommandError(f"{root} exists and is not a folder.")
        if root.is_dir() and any(root.iterdir()) and not overwrite:
            raise CommandError(f"{root} is not empty; choose an empty folder or pass --overwrite.")
        try:
            report = export_tree(root)
        except OSError as error:
            raise CommandError(f"Cannot write to {root}: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {report.papers:,} notes in {report.areas:,} venue×area folders of "
                f"{report.venues:,} venues to {root}."
            )
        )
