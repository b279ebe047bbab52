"""Writes that touch several models."""

from django.db import connection, transaction

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
