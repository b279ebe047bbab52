from django.contrib import admin
from django.db import models

from papers.admin import PaperCountAdmin
from venues.models import Area, Venue


@admin.register(Venue)
class VenueAdmin(PaperCountAdmin):
    # A link typed without a scheme is taken as https:// (Django 6 will do so by default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "emoji", "series", "year", "position", "paper_count", "paper_total"]
    list_editable = ["position"]
    list_filter = ["series", "year"]
    search_fields = ["name", "full_name", "series"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]


@admin.register(Area)
class AreaAdmin(PaperCountAdmin):
    list_display = ["name", "emoji", "slug", "position", "paper_count", "paper_total"]
    list_editable = ["position"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["position", "name"]
