"""The editors' side: papers and topics in the Django admin.

Publishing is the chief editors' right (`papers.publish_paper`), enforced on the server.
Every save and bulk action leaves a historical record (django-simple-history), from
which a paper's history page restores any earlier version and the "Deleted papers" page
brings a deleted paper back.
"""

from itertools import pairwise

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Max, Q
from django.forms import ModelMultipleChoiceField
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from papers import markdown, search, search_query
from papers.admin_forms import (
    AddTopicForm,
    MergeTopicsForm,
    MoveToAreaForm,
    PaperAdminForm,
    TopicAdminForm,
    TopicChoiceForm,
)
from papers.history import DELETED
from papers.models import Paper, Topic
from papers.querysets import RATING_FIELDS
from papers.services import (
    TopicCache,
    add_topic,
    can_publish,
    delete_topics,
    merge_topics,
    move_papers,
    publish_papers,
    remove_topic,
    submit_for_review,
    unpublish_papers,
)

# Papers are filed under Topic, our own tag model; taggit's generic Tag is unused.
admin.site.unregister(Tag)


class PaperCountAdmin(SimpleHistoryAdmin):
    """Changelist columns with the notes of each row, public and in all, annotated in one query."""

    def get_queryset(self, request):
        return super().get_queryset(request).with_paper_totals()

    @admin.display(description="public notes", ordering="paper_count")
    def paper_count(self, obj):
        return obj.paper_count

    @admin.display(description="all notes", ordering="paper_total")
    def paper_total(self, obj):
        return obj.paper_total


def keep_publishing_state(paper, form):
    """Keep the saved status and date when the form does not let the user set them.

    Restoring an earlier version (or a deleted paper) fills the paper from its record,
    so without this an editor could bring back a "published" state they may not set.
    A deleted paper an editor restores comes back as a draft.
    """
    saved = Paper.objects.filter(pk=paper.pk).values("status", "published_at").first() if paper.pk else None
    for name, default in [("status", Paper.Status.DRAFT), ("published_at", None)]:
        if name not in form.fields:
            setattr(paper, name, saved[name] if saved else default)


class YesNoFilter(admin.SimpleListFilter):
    """A filter with "Yes" and "No", each a Q object."""

    yes = no = Q()

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.yes)
        if self.value() == "no":
            return queryset.filter(self.no)
        return queryset


class HasCodeFilter(YesNoFilter):
    title = "has code"
    parameter_name = "has_code"
    yes = ~Q(code_url="")
    no = Q(code_url="")


class RatedFilter(YesNoFilter):
    title = "rated"
    parameter_name = "rated"
    no = Q(**{f"{name}__isnull": True for name in RATING_FIELDS})
    yes = ~no


class TopicFilter(admin.SimpleListFilter):
    title = "topic"
    parameter_name = "topic"

    def lookups(self, request, model_admin):
        return list(Topic.objects.order_by("name").values_list("slug", "name"))

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(tagged_topics__tag__slug=self.value())
        return queryset


@admin.register(Paper)
class PaperAdmin(SimpleHistoryAdmin):
    form = PaperAdminForm
    change_form_template = "admin/papers/paper/change_form.html"
    change_list_template = "admin/papers/paper/change_list.html"
    object_history_form_template = "admin/papers/paper/object_history_form.html"
    # A link typed without a scheme is taken as https:// (Django 6 will do so by default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "venue",
        "area",
        "status",
        "presentation",
        "topic_list",
        "published_at",
        "updated_at",
    ]
    list_filter = [
        "status",
        "venue",
        "area",
        TopicFilter,
        "presentation",
        HasCodeFilter,
        RatedFilter,
    ]
    list_select_related = ["venue", "area"]
    list_per_page = 100
    search_fields = ["title", "authors", "arxiv_id", "keywords"]
    autocomplete_fields = ["venue", "area"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    ordering = ["-updated_at", "-pk"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "venue", "area", "topics"]}),
        ("Paper", {"fields": ["authors", "arxiv_id", "paper_url", "code_url", "keywords", "presentation"]}),
        ("Note", {"fields": ["summary", "body"]}),
        ("Ratings", {"fields": ["rating_novelty", "rating_experiments", "rating_writing", "rating_value"]}),
        ("Publishing", {"fields": ["status", "published_at", "version"]}),
    ]
    actions = ["submit_for_review", "publish", "unpublish", "move_to_area", "add_topic", "remove_topic"]

    class Media:
        css = {"all": ["vendor/katex/katex.min.css", "css/admin.css"]}
        js = ["vendor/katex/katex.min.js", "js/math.js", "js/admin-preview.js", "js/admin-autocomplete.js"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("topics")

    def get_search_results(self, request, queryset, search_term):
        """The site's full-text search (whole notes, every status), or an exact arXiv id."""
        query = search_query.parse(search_term, prefix_last=False)
        if not query:
            return super().get_search_results(request, queryset, search_term)
        found = search.matching(queryset, query).order_by()
        by_arxiv_id = queryset.filter(arxiv_id__iexact=search_term.strip())
        return queryset.filter(Q(pk__in=found.values("pk")) | Q(pk__in=by_arxiv_id.values("pk"))), False

    @admin.display(description="topics")
    def topic_list(self, obj):
        return ", ".join(topic.name for topic in obj.topics.all())

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "topics":
            # Chosen from the existing topics as you type; "+" makes a new one.
            widget = AutocompleteSelectMultiple(db_field, self.admin_site)
            return ModelMultipleChoiceField(
                Topic.objects.all(),
                required=False,
                help_text="Type to find a topic; + adds a new one.",
                widget=RelatedFieldWidgetWrapper(
                    widget,
                    db_field.remote_field,
                    self.admin_site,
                    can_add_related=request.user.has_perm("papers.add_topic"),
                    can_change_related=False,
                    can_delete_related=False,
                    can_view_related=False,
                ),
            )
        if db_field.name in {"summary", "body"}:
            kwargs["strip"] = False  # an unchanged note saves unchanged, final newline included
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Without the publishing right, "published" is not a valid status choice, the date
    # is read-only, and a published paper's status cannot be changed.
    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not can_publish(request.user):
            kwargs["choices"] = [
                (value, label) for value, label in Paper.Status.choices if value != Paper.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            fields.append("published_at")
            if obj is not None and obj.status == Paper.Status.PUBLISHED:
                fields.append("status")
        return fields

    def save_model(self, request, obj, form, change):
        if not can_publish(request.user):
            keep_publishing_state(obj, form)
        if obj.status == Paper.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()  # "published" with no date means now
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    # History

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Restoring a version is a save like any other: one transaction, so the form's
        # version check can lock the paper's row.
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        # simple-history compares the paper's own columns; add its topics.
        records = list(historical_records)
        for newer, older in pairwise(records):
            if newer.topic_names != older.topic_names:
                newer.history_delta_changes = [
                    *getattr(newer, "history_delta_changes", []),
                    {
                        "field": "Topics",
                        "old": ", ".join(older.topic_list),
                        "new": ", ".join(newer.topic_list),
                    },
                ]

    def get_urls(self):
        return [
            path("preview/", self.admin_site.admin_view(self.preview_view), name="papers_paper_preview"),
            path("deleted/", self.admin_site.admin_view(self.deleted_view), name="papers_paper_deleted"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """The summary, body and ratings being edited, rendered as the public page does."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        paper = Paper(summary=request.POST.get("summary", ""), body=request.POST.get("body", ""))
        for name in RATING_FIELDS:
            value = request.POST.get(name, "")
            setattr(paper, name, int(value) if value in {"1", "2", "3", "4", "5"} else None)
        html = render_to_string(
            "includes/note_text.html", {"paper": paper, "body": markdown.note_body(paper)}, request
        )
        return HttpResponse(html)

    def deleted_view(self, request):
        """Deleted papers, each with a link to restore it from its last record."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        history = Paper.history
        last_records = (
            history.filter(history_type=DELETED)
            .exclude(id__in=Paper.objects.values("pk"))
            .values("id")
            .annotate(last=Max("history_id"))
            .values("last")
        )
        records = (
            history.filter(history_id__in=last_records)
            .select_related("history_user", "venue", "area")
            .order_by("-history_date", "-history_id")
        )
        page = Paginator(records, self.list_per_page).get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Deleted papers",
            "opts": self.model._meta,
            "page": page,
        }
        return TemplateResponse(request, "admin/papers/paper/deleted.html", context)

    # Bulk actions: each leaves history and works on any number of papers.

    @admin.action(description="Submit selected papers for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        count = submit_for_review(queryset, user=request.user)
        self.message_user(request, f"{count} paper(s) submitted for review.", messages.SUCCESS)

    @admin.action(description="Publish selected papers", permissions=["publish"])
    def publish(self, request, queryset):
        count = publish_papers(queryset, user=request.user)
        self.message_user(
            request, f"{count} paper(s) published (scheduled ones keep their date).", messages.SUCCESS
        )

    @admin.action(description="Unpublish selected papers (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = unpublish_papers(queryset, user=request.user)
        self.message_user(request, f"{count} paper(s) taken back to draft.", messages.SUCCESS)

    @admin.action(description="Move selected papers to another area", permissions=["change"])
    def move_to_area(self, request, queryset):
        def move(data):
            count = move_papers(queryset, data["area"], user=request.user)
            return f"{count} paper(s) moved to {data['area'].name}."

        form = MoveToAreaForm(applied(request))
        return ask_then_apply(self, request, queryset, form, "Move papers to another area", move)

    @admin.action(description="Add a topic to selected papers", permissions=["change"])
    def add_topic(self, request, queryset):
        def add(data):
            name = data["topic"]
            if (
                not request.user.has_perm("papers.add_topic")
                and not Topic.objects.filter(name__iexact=name).exists()
            ):
                raise ActionRefused(f"There is no topic named “{name}”, and you may not create one.")
            topic = TopicCache().get(name)
            count = add_topic(queryset, topic, user=request.user)
            return f"Topic {topic.name} added to {count} paper(s)."

        context = {"topic_names": list(Topic.objects.order_by("name").values_list("name", flat=True))}
        return ask_then_apply(
            self, request, queryset, AddTopicForm(applied(request)), "Add a topic to papers", add, context
        )

    @admin.action(description="Remove a topic from selected papers", permissions=["change"])
    def remove_topic(self, request, queryset):
        def remove(data):
            count = remove_topic(queryset, data["topic"], user=request.user)
            return f"Topic {data['topic'].name} removed from {count} paper(s)."

        form = TopicChoiceForm(applied(request))
        return ask_then_apply(self, request, queryset, form, "Remove a topic from papers", remove)


def applied(request):
    """The data of an action's intermediate page once it is sent, else None (not yet asked)."""
    return request.POST if "apply" in request.POST else None


class ActionRefused(Exception):
    """A bulk action that cannot be done as asked; its message is shown to the user."""


def ask_then_apply(model_admin, request, queryset, form, title, apply, extra_context=None):
    """Show `form` on an intermediate page; once it is valid, `apply(cleaned_data)` and
    report the message it returns back on the changelist (or why it refused)."""
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                model_admin.message_user(request, apply(form.cleaned_data), messages.SUCCESS)
        except ActionRefused as refusal:
            model_admin.message_user(request, str(refusal), messages.ERROR)
        return None  # back to the changelist
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "form": form,
        "count": queryset.count(),
        "action": request.POST.get("action", ""),
        "select_across": request.POST.get("select_across", "0"),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        **(extra_context or {}),
    }
    return TemplateResponse(request, "admin/papers/bulk_action.html", context)


class InUseFilter(YesNoFilter):
    title = "in use"
    parameter_name = "in_use"
    yes = Q(paper_total__gt=0)
    no = Q(paper_total=0)


@admin.register(Topic)
class TopicAdmin(PaperCountAdmin):
    form = TopicAdminForm
    list_display = ["name", "slug", "paper_count", "paper_total"]
    list_filter = [InUseFilter]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["name"]
    actions = ["merge"]

    # Deleting a topic takes it off its papers first, so their histories record it.
    def delete_model(self, request, obj):
        delete_topics([obj], user=request.user)

    def delete_queryset(self, request, queryset):
        delete_topics(queryset, user=request.user)

    @admin.action(description="Merge selected topics into one", permissions=["delete"])
    def merge(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, "Select at least two topics to merge.", messages.WARNING)
            return None

        def merge(data):
            papers, deleted = merge_topics(
                list(queryset.exclude(pk=data["into"].pk)), data["into"], user=request.user
            )
            return f"{deleted} topic(s) merged into {data['into'].name}; {papers} paper(s) refiled."

        form = MergeTopicsForm(applied(request), topics=queryset.order_by("name"))
        return ask_then_apply(self, request, queryset, form, "Merge topics", merge)
