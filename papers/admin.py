from django.contrib import admin
from django.db import models

from papers.models import Paper, Topic


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


@admin.register(Topic)
class TopicAdmin(PaperCountAdmin):
    list_display = ["name", "slug", "paper_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
