from django.contrib import admin
from django.db import models

from venues.models import Area, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    # A link typed without a scheme is taken as https:// (Django 6 will do so by default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "emoji", "series", "year", "position", "paper_count"]
    list_editable = ["position"]
    search_fields = ["name", "full_name", "series"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_paper_counts()

    @admin.display(description="public notes", ordering="paper_count")
    def paper_count(self, venue):
        return venue.paper_count


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "emoji", "slug", "position", "paper_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_paper_counts()

    @admin.display(description="public notes", ordering="paper_count")
    def paper_count(self, area):
        return area.paper_count
