from django.contrib import admin, messages
from django.db import models
from django.utils import timezone

from papers.models import Paper, Topic
from papers.services import can_publish, publish_papers, unpublish_papers


class PaperCountAdmin(admin.ModelAdmin):
    """A changelist column with the public notes of each row, annotated in one query."""

    def get_queryset(self, request):
        return super().get_queryset(request).with_paper_counts()

    @admin.display(description="public notes", ordering="paper_count")
    def paper_count(self, obj):
        return obj.paper_count


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    # A link typed without a scheme is taken as https:// (Django 6 will do so by default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "venue", "area", "status", "presentation", "published_at", "updated_at"]
    list_filter = ["status", "presentation", "venue", "area"]
    list_select_related = ["venue", "area"]
    search_fields = ["title", "authors", "arxiv_id", "keywords"]
    autocomplete_fields = ["venue", "area"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "venue", "area", "topics"]}),
        ("Paper", {"fields": ["authors", "arxiv_id", "paper_url", "code_url", "keywords", "presentation"]}),
        ("Note", {"fields": ["summary", "body"]}),
        ("Ratings", {"fields": ["rating_novelty", "rating_experiments", "rating_writing", "rating_value"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]
    actions = ["submit_for_review", "publish", "unpublish"]

    # Publishing is the chief editors' right (papers.publish_paper), enforced here on the
    # server: without it, "published" is not a valid status choice, the date is read-only,
    # and a published paper's status cannot be changed.
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
        if obj.status == Paper.Status.PUBLISHED and obj.published_at is None:
            obj.published_at = timezone.now()  # "published" with no date means now
        super().save_model(request, obj, form, change)

    def has_publish_permission(self, request):
        return can_publish(request.user)

    @admin.action(description="Submit selected papers for review", permissions=["change"])
    def submit_for_review(self, request, queryset):
        count = queryset.filter(status=Paper.Status.DRAFT).update(
            status=Paper.Status.REVIEW, updated_at=timezone.now()
        )
        self.message_user(request, f"{count} paper(s) submitted for review.", messages.SUCCESS)

    @admin.action(description="Publish selected papers", permissions=["publish"])
    def publish(self, request, queryset):
        count = publish_papers(queryset)
        self.message_user(
            request, f"{count} paper(s) published (scheduled ones keep their date).", messages.SUCCESS
        )

    @admin.action(description="Unpublish selected papers (back to draft)", permissions=["publish"])
    def unpublish(self, request, queryset):
        count = unpublish_papers(queryset)
        self.message_user(request, f"{count} paper(s) taken back to draft.", messages.SUCCESS)


@admin.register(Topic)
class TopicAdmin(PaperCountAdmin):
    list_display = ["name", "slug", "paper_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
