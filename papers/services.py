"""Writes that touch several models."""

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from papers.models import Paper, TaggedPaper, Topic

RETOPIC_BATCH = 1000


class TopicCache:
    """Topics by name (case-insensitive), created on first use."""

    def __init__(self):
        self._by_name = {}

    def get(self, name):
        key = name.lower()
        if key not in self._by_name:
            topic = Topic.objects.filter(name__iexact=name).first()
            if topic is None:
                topic = Topic(name=name[:100])
                topic.save()  # taggit gives it a unique slug
            self._by_name[key] = topic
        return self._by_name[key]


# The permissions of each role, as "app_label.codename".
EDITOR_PERMISSIONS = [
    "papers.add_paper",
    "papers.change_paper",
    "papers.view_paper",
    "papers.add_topic",
    "papers.view_topic",
    "venues.view_venue",
    "venues.view_area",
]
CHIEF_EDITOR_PERMISSIONS = [
    *EDITOR_PERMISSIONS,
    "papers.delete_paper",
    "papers.publish_paper",
    "papers.change_topic",
    "papers.delete_topic",
    "venues.add_venue",
    "venues.change_venue",
    "venues.add_area",
    "venues.change_area",
]
ROLES = {"Editors": EDITOR_PERMISSIONS, "Chief editors": CHIEF_EDITOR_PERMISSIONS}


def setup_roles():
    """Create the role groups, or set their permissions back to the defined ones."""
    result = {}
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        query = Q()
        for code in codes:
            app_label, codename = code.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(Permission.objects.filter(query))
        group.permissions.set(permissions)
        result[group] = permissions
    return result


def can_publish(user):
    return user.has_perm("papers.publish_paper")


def publish_papers(papers, *, at=None):
    """Publish `papers` (a queryset): those without a date go live `at` (default: now);
    those with one keep it, so a scheduled note stays scheduled. Returns how many changed."""
    now = timezone.now()
    changed = papers.exclude(status=Paper.Status.PUBLISHED, published_at__isnull=False)
    undated = changed.filter(published_at__isnull=True).update(
        status=Paper.Status.PUBLISHED, published_at=at or now, updated_at=now
    )
    dated = changed.update(status=Paper.Status.PUBLISHED, updated_at=now)
    return undated + dated


def unpublish_papers(papers):
    """Take `papers` back to draft; returns how many changed."""
    return papers.exclude(status=Paper.Status.DRAFT).update(
        status=Paper.Status.DRAFT, updated_at=timezone.now()
    )


def set_paper_topics(names_by_paper, topics):
    """Replace each saved paper's topics with the named ones; `topics` is a TopicCache."""
    TaggedPaper.objects.filter(content_object__in=list(names_by_paper)).delete()
    TaggedPaper.objects.bulk_create(
        TaggedPaper(content_object=paper, tag=topics.get(name))
        for paper, names in names_by_paper.items()
        for name in {name.lower(): name for name in names}.values()
    )


def same_topics(first, second):
    return sorted(name.lower() for name in first) == sorted(name.lower() for name in second)


def retopic_papers(rules, *, dry_run=False):
    """Apply topic rules to every paper, a batch at a time; returns (papers changed, papers seen)."""
    topics = TopicCache()
    changed = seen = last_pk = 0
    while batch := list(
        Paper.objects.filter(pk__gt=last_pk)
        .order_by("pk")
        .only("pk", "title", "keywords", "summary")
        .prefetch_related("topics")[:RETOPIC_BATCH]
    ):
        last_pk = batch[-1].pk
        seen += len(batch)
        updates = {}
        for paper in batch:
            current = [topic.name for topic in paper.topics.all()]
            wanted = rules.apply(current, paper.title, paper.keywords, paper.summary)
            if not same_topics(wanted, current):
                updates[paper] = wanted
        changed += len(updates)
        if updates and not dry_run:
            with transaction.atomic():
                set_paper_topics(updates, topics)
    return changed, seen


def refresh_planner_statistics():
    """Let the database re-read its tables' statistics after a bulk load.

    Without them SQLite's planner ignores the partial indexes the public pages rely on,
    and PostgreSQL plans from stale row counts until autovacuum gets round to it.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
