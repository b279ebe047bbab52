"""Writes that touch several models."""

import re
from contextlib import contextmanager

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from papers.bulk import insert_rows
from papers.history import record_paper_history
from papers.models import Paper, TaggedPaper, Topic
from papers.search import index_papers

# Papers loaded and written at a time by a bulk change, to bound memory.
CHANGE_BATCH = 500


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


def change_papers(papers, change, *, fields=(), user=None, reason=""):
    """Apply `change(paper, topic_names)` to each paper of the queryset `papers` and save
    what changed, a batch at a time, in one transaction.

    `change` edits the paper's `fields` and the list of its topic names in place, and
    returns whether it changed anything. Each changed paper is saved with a new edit
    time and gets a historical record by `user`, with `reason`. Returns how many changed.
    """
    count = last_pk = 0
    topics = TopicCache()
    with transaction.atomic():
        while batch := list(
            papers.filter(pk__gt=last_pk).order_by("pk").prefetch_related("topics")[:CHANGE_BATCH]
        ):
            last_pk = batch[-1].pk
            changed, retopiced = {}, {}
            for paper in batch:
                before = [topic.name for topic in paper.topics.all()]
                names = list(before)
                if change(paper, names):
                    changed[paper] = names
                    if not same_topics(names, before):
                        retopiced[paper] = names
            if not changed:
                continue
            now = timezone.now()
            for paper in changed:
                paper.updated_at = now
            Paper.objects.bulk_update(list(changed), [*fields, "updated_at"])
            set_paper_topics(retopiced, topics)
            record_paper_history(changed, user=user, reason=reason, when=now)
            index_papers(changed)
            count += len(changed)
    return count


def submit_for_review(papers, *, user=None):
    """Move the drafts among `papers` to review; returns how many moved."""

    def submit(paper, topic_names):
        if paper.status != Paper.Status.DRAFT:
            return False
        paper.status = Paper.Status.REVIEW
        return True

    return change_papers(papers, submit, fields=["status"], user=user, reason="Submitted for review")


def publish_papers(papers, *, user=None, at=None):
    """Publish `papers` (a queryset): those without a date go live `at` (default: now);
    those with one keep it, so a scheduled note stays scheduled. Returns how many changed."""
    live_at = at or timezone.now()

    def publish(paper, topic_names):
        if paper.status == Paper.Status.PUBLISHED and paper.published_at is not None:
            return False
        paper.status = Paper.Status.PUBLISHED
        paper.published_at = paper.published_at or live_at
        return True

    return change_papers(papers, publish, fields=["status", "published_at"], user=user, reason="Published")


def unpublish_papers(papers, *, user=None):
    """Take `papers` back to draft; returns how many changed."""

    def unpublish(paper, topic_names):
        if paper.status == Paper.Status.DRAFT:
            return False
        paper.status = Paper.Status.DRAFT
        return True

    return change_papers(papers, unpublish, fields=["status"], user=user, reason="Unpublished")


def move_papers(papers, area, *, user=None):
    """File `papers` under another area; returns how many moved."""

    def move(paper, topic_names):
        if paper.area_id == area.pk:
            return False
        paper.area = area
        return True

    return change_papers(papers, move, fields=["area"], user=user, reason=f"Moved to {area.name}")


def add_topic(papers, topic, *, user=None):
    """File `papers` under `topic` too; returns how many gained it."""

    def add(paper, topic_names):
        if topic.name.lower() in {name.lower() for name in topic_names}:
            return False
        topic_names.append(topic.name)
        return True

    return change_papers(papers.distinct(), add, user=user, reason=f"Topic {topic.name} added")


def remove_topic(papers, topic, *, user=None):
    """Take `topic` off `papers`; returns how many lost it."""
    return _drop_topics(papers, [topic], keep=None, user=user, reason=f"Topic {topic.name} removed")


def merge_topics(duplicates, into, *, user=None):
    """Move every paper of the `duplicates` topics to the topic `into`, then delete them.

    A paper filed under both keeps one link. Returns (papers changed, topics deleted).
    """
    duplicates = [topic for topic in duplicates if topic.pk != into.pk]
    with transaction.atomic():
        count = _drop_topics(
            Paper.objects.all(),
            duplicates,
            keep=into,
            user=user,
            reason=f"Topics merged into {into.name}",
        )
        for topic in duplicates:
            topic._history_user = user
            # Read back by merged_into(): the merged topic's old addresses lead to `into`.
            topic._change_reason = MERGED_INTO.format(name=into.name, pk=into.pk)
            topic.delete()
    return count, len(duplicates)


MERGED_INTO = "Merged into {name} (topic #{pk})"
_MERGED_INTO = re.compile(r"\(topic #(\d+)\)\Z")


def merged_into(record):
    """The id of the topic a deleted topic's last historical `record` says it was merged into, or None."""
    found = _MERGED_INTO.search(record.history_change_reason or "") if record.history_type == "-" else None
    return int(found[1]) if found else None


def delete_topics(topics, *, user=None):
    """Delete `topics`, first taking them off their papers so each paper's history shows it."""
    topics = list(topics)
    with transaction.atomic():
        names = ", ".join(topic.name for topic in topics)
        count = _drop_topics(
            Paper.objects.all(), topics, keep=None, user=user, reason=f"Topic deleted: {names}"
        )
        for topic in topics:
            topic._history_user = user
            topic.delete()
    return count


def _drop_topics(papers, dropped, *, keep, user, reason):
    """Take the `dropped` topics off the papers filed under them, adding `keep` if given."""
    dropped_names = {topic.name.lower() for topic in dropped}

    def drop(paper, topic_names):
        kept = [name for name in topic_names if name.lower() not in dropped_names]
        if keep is not None and keep.name.lower() not in {name.lower() for name in kept}:
            kept.append(keep.name)
        if same_topics(kept, topic_names):
            return False
        topic_names[:] = kept
        return True

    tagged = papers.filter(tagged_topics__tag__in=dropped).distinct()
    return change_papers(tagged, drop, user=user, reason=reason)


def set_paper_topics(names_by_paper, topics):
    """Replace each saved paper's topics with the named ones; `topics` is a TopicCache."""
    TaggedPaper.objects.filter(content_object__in=list(names_by_paper)).delete()
    insert_rows(
        TaggedPaper,
        (
            TaggedPaper(content_object=paper, tag=topics.get(name))
            for paper, names in names_by_paper.items()
            for name in {name.lower(): name for name in names}.values()
        ),
    )


def same_topics(first, second):
    return sorted(name.lower() for name in first) == sorted(name.lower() for name in second)


def retopic_papers(rules, *, dry_run=False):
    """Apply topic rules to every paper; returns (papers changed, papers seen).

    A dry run makes the same changes and rolls them back, so its count is exact.
    """

    def retopic(paper, topic_names):
        wanted = rules.apply(list(topic_names), paper.title, paper.keywords, paper.summary)
        if same_topics(wanted, topic_names):
            return False
        topic_names[:] = wanted
        return True

    with transaction.atomic():
        changed = change_papers(Paper.objects.all(), retopic, reason="Topic rules applied")
        transaction.set_rollback(dry_run)
    return changed, Paper.objects.count()


def refresh_planner_statistics():
    """Let the database re-read its tables' statistics after a bulk load.

    Without them SQLite's planner ignores the partial indexes the public pages rely on,
    and PostgreSQL plans from stale row counts until autovacuum gets round to it.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@contextmanager
def indexes_built_after(*models):
    """PostgreSQL: drop the models' secondary indexes while a bulk load runs inside, and
    build them again after it. Elsewhere, nothing.

    Building an index once over 100,000 rows costs a fraction of keeping it current row
    by row (the manual's "Populating a Database"), and writes a fraction of the WAL: a
    full-text (GIN) index grows page by page all over itself, and each page first
    touched after a checkpoint goes to the WAL whole. `load_demo --papers 100000` wrote
    6.2 GB of WAL with them and 1.3–1.6 GB without, and took 187–203 s against 128–161 s
    (this machine, runs of each within the hour). SQLite gained nothing from it (150 s
    either way): its time went to its full-text tables, which
    `papers.search.full_text_filled_after` fills in one pass instead.

    Run it inside a transaction: the indexes are gone only within it, so a failure
    brings them back with the rest, and the tables are locked against readers until it
    ends. Indexes that enforce uniqueness or a constraint are kept: the load needs them.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary
            AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid)""",
            [[model._meta.db_table for model in models]],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        # A table cannot be indexed while checks of its foreign keys wait for the end of
        # the transaction (Django defers them): run them now, then defer them again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Room to sort a large index in memory; for this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
