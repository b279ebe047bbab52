"""Time of the admin's bulk actions on 1,000 selected papers, on the database the settings
point at (a throwaway test database is made and dropped; your data is not touched).

    DJANGO_DEBUG=1 python bench/admin_bulk.py [--papers 1000] [--site 5000]
    DATABASE_URL=postgres://… DJANGO_DEBUG=1 python bench/admin_bulk.py

Builds a demo site of `--site` public notes, then posts each bulk action of the paper
changelist for `--papers` of them, with every id sent as the changelist's checkboxes
send them, through Django's test client as a superuser, and prints the time of each
request and the historical records it wrote. Budget: a few seconds each.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notesite.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from notesite import content_listener  # noqa: E402
from papers.demo import build_demo_site  # noqa: E402
from papers.models import Paper, Topic  # noqa: E402
from venues.models import Area  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--papers", type=int, default=1000, help="papers selected for each action")
    parser.add_argument("--site", type=int, default=5000, help="public notes in the demo site")
    options = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(options)
    finally:
        content_listener.stop()  # its connection would keep the database from being dropped
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def run(options):
    build_demo_site(papers=options.site)
    user = User.objects.create_superuser("bench", "bench@example.com", "bench")
    client = Client(HTTP_HOST="127.0.0.1")
    # The login backends need the request (django-axes counts failures): sign in directly.
    client.force_login(user)
    selected = list(Paper.objects.order_by("?").values_list("pk", flat=True)[: options.papers])
    area = Area.objects.order_by("pk").last()
    topic = Topic.objects.order_by("pk").last()

    steps = [
        ("unpublish", {}),
        ("submit_for_review", {}),
        ("publish", {}),
        ("move_to_area", {"area": area.pk}),
        ("add_topic", {"topic": "Bench topic"}),
        ("remove_topic", {"topic": None}),
        ("add_topic", {"topic": topic.name}),
    ]
    print(f"{len(selected):,} papers selected of {Paper.objects.count():,}, on {connection.vendor}")
    for action, choice in steps:
        if choice.get("topic", "") is None:
            choice = {"topic": Topic.objects.get(name="Bench topic").pk}
        data = {"action": action, "index": 0, "_selected_action": selected}
        if choice:
            data.update(choice, apply="Apply")
        records_before = Paper.history.count()
        started = time.perf_counter()
        response = client.post("/admin/papers/paper/", data)
        elapsed = time.perf_counter() - started
        if response.status_code != 302:
            sys.exit(f"{action} answered {response.status_code}")
        records = Paper.history.count() - records_before
        print(f"  {action:<18} {elapsed:6.2f} s   {records:>6,} records")

    duplicate = Topic.objects.exclude(pk=topic.pk).order_by("pk").first()
    tagged = duplicate.tagged_papers.count()
    started = time.perf_counter()
    response = client.post(
        "/admin/papers/topic/",
        {
            "action": "merge",
            "index": 0,
            "_selected_action": [topic.pk, duplicate.pk],
            "into": topic.pk,
            "apply": "1",
        },
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        sys.exit(f"merge answered {response.status_code}")
    merged = f"{duplicate.name}, on {tagged:,} papers, into {topic.name}"
    print(f"  {'merge topics':<18} {elapsed:6.2f} s   ({merged})")


if __name__ == "__main__":
    main()
