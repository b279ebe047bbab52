"""The record of every change to a paper, with the topics it had at the time.

django-simple-history records a paper's own columns on every save and delete. Its
topics live in taggit's through table, so each record also keeps their names
(`PaperTopicsSnapshot.topic_names`):

- writes that go through a service or the admin record the paper once its topics are
  set, with `record_paper_history()`, one bulk insert for any number of papers;
- any other `save()` or `delete()` gets its record from simple-history's signals, and
  the receivers below add the topics the paper has in the database; a change of topics
  through taggit's manager (`paper.topics.add()`) is recorded too.

A paper's latest record is also its version (`current_version()`): the admin's form
carries it, so an edit made from a stale form is caught (papers/admin_forms.py).
"""

from django.db.models import Max
from django.db.models.signals import m2m_changed, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from papers.bulk import insert_rows
from papers.models import Paper, TaggedPaper

CREATED, CHANGED, DELETED = "+", "~", "-"


def topic_snapshot(names):
    """The stored form of a list of topic names: one a line, in the given order."""
    return "\n".join(dict.fromkeys(name.strip() for name in names if name.strip()))


def record_paper_history(topics_by_paper, *, history_type=CHANGED, user=None, reason="", when=None):
    """Record the saved state of each paper with its topic names (`{paper: [names]}`).

    The bulk counterpart of simple-history's own save signal: simple-history's
    `bulk_history_create()` takes no per-paper extra values, which the topics are.
    """
    history_model = Paper.history.model
    when = when or timezone.now()
    if user is None and topics_by_paper:
        # The user of the request under way, if any (simple-history's middleware).
        user = history_model.get_default_history_user(next(iter(topics_by_paper)))
    rows = [
        history_model(
            history_date=when,
            history_type=history_type,
            history_user=user,
            history_change_reason=reason,
            topic_names=topic_snapshot(names),
            **{field.attname: getattr(paper, field.attname) for field in history_model.tracked_fields},
        )
        for paper, names in topics_by_paper.items()
    ]
    return insert_rows(history_model, rows)


def current_version(paper_id):
    """The id of the paper's latest historical record: changes with every recorded write."""
    return Paper.history.filter(id=paper_id).aggregate(version=Max("history_id"))["version"]


def changes_since(paper_id, version):
    """The records of the paper made after `version`, oldest first, with their authors."""
    records = Paper.history.filter(id=paper_id).select_related("history_user").order_by("history_id")
    return list(records.filter(history_id__gt=version) if version else records)


@receiver(pre_delete, sender=Paper)
def _keep_topics_of_deleted_paper(sender, instance, **kwargs):
    # Its topic links are deleted before the paper itself, and before its last record.
    instance._topic_names_at_delete = [topic.name for topic in instance.topics.all()]


@receiver(m2m_changed, sender=TaggedPaper)
def _record_topic_change(sender, instance, action, reverse, pk_set, **kwargs):
    # `paper.topics.add()` and the like, outside the services and the admin form (which
    # record the paper themselves, and mark it to be skipped here while they work).
    if reverse or action not in {"post_add", "post_remove", "post_clear"}:
        return
    if hasattr(instance, "skip_history_when_saving") or (pk_set is not None and not pk_set):
        return
    record_paper_history({instance: [topic.name for topic in instance.topics.all()]}, reason="Topics changed")


@receiver(pre_create_historical_record, sender=Paper.history.model)
def _add_topics_to_record(sender, instance, history_instance, **kwargs):
    names = getattr(instance, "_topic_names_at_delete", None)
    if names is None:
        names = [topic.name for topic in instance.topics.all()]
    history_instance.topic_names = topic_snapshot(names)
