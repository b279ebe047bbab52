"""`manage.py setup_roles`: create or refresh the "Editors" and "Chief editors" groups."""

from django.core.management.base import BaseCommand

from papers.services import setup_roles


class Command(BaseCommand):
    help = (
        'Create or refresh the groups "Editors" (add and change papers, submit them for review) '
        'and "Chief editors" (also publish, unpublish, schedule and delete). Safe to run again.'
    )

    def handle(self, *args, **options):
        for group, permissions in setup_roles().items():
            self.stdout.write(f"{group.name}: {len(permissions)} permissions")
