"""`manage.py retopic [--rules FILE]`: re-apply topic rules to the papers in the database."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from papers.services import retopic_papers
from papers.topic_rules import RulesError, load_rules


class Command(BaseCommand):
    help = (
        "Re-apply topic rules to every paper: topics the rules name are added where their patterns "
        "match the title, keywords or summary and removed where they no longer do; other topics are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rules",
            metavar="FILE",
            default=settings.TOPIC_RULES_FILE,
            help="YAML or TOML topic rules (default: %(default)s).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, rules, dry_run, **options):
        try:
            loaded = load_rules(rules)
        except RulesError as error:
            raise CommandError(str(error)) from None
        changed, total = retopic_papers(loaded, dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"Topics {verb} on {changed:,} of {total:,} papers."))
