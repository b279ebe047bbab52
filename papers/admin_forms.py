"""The forms of the editors' admin: the paper form that never loses an edit, and the
forms of the bulk actions."""

import difflib
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import localize
from django.utils.timezone import localtime

from papers.history import CHANGED, CREATED, changes_since, current_version, record_paper_history
from papers.models import Paper, Topic
from venues.models import Area

# Fields compared line by line in a conflict; the others are shown whole.
LONG_TEXT_FIELDS = {"summary", "body", "authors", "keywords"}


@dataclass(frozen=True)
class Difference:
    """One field on which the editor's version and the saved version differ."""

    label: str
    saved: str
    yours: str
    diff: list  # unified diff lines, for long text; empty otherwise


@dataclass(frozen=True)
class Conflict:
    """The changes saved by others since the editor opened the form."""

    changes: list  # historical records, oldest first
    differences: list  # of Difference


def _form_field(db_field, **kwargs):
    # A link typed without a scheme is taken as https:// (Django 6 will do so by default).
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class PaperAdminForm(forms.ModelForm):
    """The paper form of the admin.

    It carries the version of the paper it was opened on (the id of the paper's latest
    historical record, an exact integer) and refuses to save over a newer one: the form
    comes back with the editor's text, what changed and the new version, so that a
    second save is a deliberate overwrite. It also records the saved paper's history
    once its topics are set, so each save makes one record with the right topics.
    """

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Paper
        formfield_callback = _form_field
        # The admin lays these out in its fieldsets (and drops those read-only to the user).
        fields = [
            "title", "slug", "venue", "area", "topics",
            "authors", "arxiv_id", "paper_url", "code_url", "keywords", "presentation",
            "summary", "body",
            "rating_novelty", "rating_experiments", "rating_writing", "rating_value",
            "status", "published_at",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.creating = self.instance.pk is None
        if "published_at" in self.fields:
            # The admin writes "Date:" and "Time:" beside its two boxes, but not as their
            # labels: name them for screen readers.
            date, time = self.fields["published_at"].widget.widgets
            date.attrs["aria-label"], time.attrs["aria-label"] = "Publication date", "Publication time"
        if not self.creating:
            self.fields["version"].initial = current_version(self.instance.pk)
        # A form opened on an earlier version (the history's "Revert") shows the topics
        # that version had, as far as they still exist.
        record = getattr(self.instance, "_history", None)
        if record is not None and "topics" in self.fields:
            names = record.topic_list
            topics = list(Topic.objects.filter(name__in=names))
            self.initial["topics"] = topics
            found = {topic.name.lower() for topic in topics}
            self.missing_topics = [name for name in names if name.lower() not in found]
        else:
            self.missing_topics = []

    # Browsers send a textarea's lines ending in CRLF; notes are kept with LF, as imported.
    def clean_summary(self):
        return self.cleaned_data["summary"].replace("\r\n", "\n")

    def clean_body(self):
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def clean(self):
        cleaned_data = super().clean()
        if not self.creating:
            self._refuse_stale_save(cleaned_data)
        return cleaned_data

    def _refuse_stale_save(self, cleaned_data):
        # Lock the row (PostgreSQL; SQLite's IMMEDIATE transaction already holds the
        # write lock), so two saves of one version cannot both pass this check.
        Paper.objects.select_for_update().filter(pk=self.instance.pk).first()
        opened = cleaned_data.get("version")
        current = current_version(self.instance.pk)
        if opened == current:
            return
        saved = Paper.objects.filter(pk=self.instance.pk).first()
        self.conflict = Conflict(
            changes=changes_since(self.instance.pk, opened),
            differences=self._differences(saved, cleaned_data) if saved else [],
        )
        # The next save of this form is a deliberate overwrite of what it was shown.
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = "" if current is None else str(current)
        raise ValidationError(
            "This paper was changed by someone else after you opened it, so your changes "
            "were not saved. Your version is still in the form; the differences from the "
            "saved version are listed above it. Save again to replace the saved version "
            "with yours, or reload the page to start from the saved version.",
            code="conflict",
        )

    def _differences(self, saved, cleaned_data):
        differences = []
        for name, field in self.fields.items():
            if name == "version" or name not in cleaned_data:
                continue
            theirs = _as_text(name, saved_value(saved, name))
            yours = _as_text(name, cleaned_data[name])
            if theirs == yours:
                continue
            diff = []
            if name in LONG_TEXT_FIELDS:
                diff = list(
                    difflib.unified_diff(
                        theirs.splitlines(), yours.splitlines(), "saved", "yours", lineterm="", n=1
                    )
                )[2:]
            differences.append(Difference(str(field.label or name), theirs, yours, diff))
        return differences

    def save(self, commit=True):
        # The record is made in _save_m2m(), once the topics are set.
        self.instance.skip_history_when_saving = True
        return super().save(commit)

    def _save_m2m(self):
        super()._save_m2m()
        paper = self.instance
        del paper.skip_history_when_saving
        record = getattr(paper, "_history", None)
        record_paper_history(
            {paper: [topic.name for topic in paper.topics.all()]},
            history_type=CREATED if self.creating else CHANGED,
            user=getattr(paper, "_history_user", None),
            reason=f"Restored the version of {_when(record.history_date)}" if record else "",
        )


def saved_value(paper, name):
    if name == "topics":
        return list(paper.topics.all())
    return getattr(paper, name)


def _as_text(name, value):
    """A field's value as an editor reads it, to compare and show."""
    if value is None:
        return ""
    if name == "topics":
        return ", ".join(sorted(str(topic) for topic in value))
    if hasattr(value, "isoformat"):
        return _when(value)
    return str(value)


def _when(moment):
    return localize(localtime(moment))


class MoveToAreaForm(forms.Form):
    area = forms.ModelChoiceField(Area.objects.order_by("position", "name"), label="Move to area")


class TopicChoiceForm(forms.Form):
    topic = forms.ModelChoiceField(Topic.objects.order_by("name"), label="Topic")


class AddTopicForm(forms.Form):
    topic = forms.CharField(
        max_length=100,
        label="Topic",
        help_text="An existing topic, or the name of a new one.",
        widget=forms.TextInput(attrs={"list": "topic-names", "autocomplete": "off"}),
    )

    def clean_topic(self):
        name = self.cleaned_data["topic"].strip()
        if not name:
            raise ValidationError("Give the topic a name.")
        return name


class MergeTopicsForm(forms.Form):
    into = forms.ModelChoiceField(
        Topic.objects.none(),
        label="Keep",
        widget=forms.RadioSelect,
        help_text="The topic to keep; the others are merged into it and deleted.",
    )

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = topics


class TopicAdminForm(forms.ModelForm):
    class Meta:
        model = Topic
        fields = ["name", "slug"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        # Topic names are matched without regard to case (TAGGIT_CASE_INSENSITIVE).
        same = Topic.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).first()
        if same is not None:
            raise ValidationError(
                f"There is already a topic named “{same.name}”. To combine the two, select "
                "both in the topic list and choose “Merge selected topics into one”."
            )
        return name
