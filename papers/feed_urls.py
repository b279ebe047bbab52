"""Atom feeds, under /feeds/: the whole site, and one per venue, area and topic."""

from django.urls import path, re_path

from papers import feeds
from papers.converters import NoteSlugConverter

app_name = "feeds"

urlpatterns = [
    path("notes.atom", feeds.NoteFeed(), name="notes"),
    path("venues/<slug:venue>.atom", feeds.VenueNoteFeed(), name="venue"),
    path("areas/<slug:area>.atom", feeds.AreaNoteFeed(), name="area"),
    # Topic slugs hold non-ASCII letters. The "note" converter is registered by
    # papers.urls, which loads after this module (and may not be registered twice),
    # so its pattern is used directly.
    re_path(
        rf"^topics/(?P<topic>{NoteSlugConverter.regex})\.atom\Z",
        feeds.TopicNoteFeed(),
        name="topic",
    ),
]
