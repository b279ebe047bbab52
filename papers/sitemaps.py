"""Sitemaps of every public page, for search engines.

`/sitemap.xml` is an index of the sections in `SECTIONS`. Only public pages are
listed: venues, areas, venue×area pairs and topics with at least one public note, and
the public notes themselves. Each section costs a fixed number of queries.

`SECTIONS` holds classes, not instances, on purpose: the sitemap views build one per
request, and the small sections keep the rows they read for that request, so the
index reads each of them once for both its `lastmod` and its number of pages.
"""

from functools import cached_property

from django.contrib.sitemaps import Sitemap
from django.db.models import DateTimeField, Max
from django.db.models.functions import Greatest
from django.urls import reverse

from papers.models import Paper, TaggedPaper, Topic
from papers.querysets import published_q
from venues.models import Area, Venue


def last_change(prefix=""):
    """When a paper, reached through `prefix`, last changed on the public site.

    That is its last edit, or its publication when that came later: a scheduled note
    appears (and changes its venue's, area's and topics' pages) after its last save.
    """
    return Greatest(f"{prefix}updated_at", f"{prefix}published_at", output_field=DateTimeField())


def changed_at(paper):
    """`last_change` of a paper already loaded."""
    return max(paper.updated_at, paper.published_at)


def newest_change(prefix=""):
    """The latest `last_change` among the public papers reached through `prefix`."""
    return Max(last_change(prefix), filter=published_q(prefix))


def newest_public_change():
    """The latest change of any public note, or None when there is none. One query."""
    return Paper.objects.published().aggregate(newest=Max(last_change()))["newest"]


class StaticSitemap(Sitemap):
    """The home page and the full list: both change whenever a public note does."""

    def items(self):
        return ["venues:home", "papers:list"]

    def location(self, url_name):
        return reverse(url_name)

    def lastmod(self, url_name):
        return self.newest

    @cached_property
    def newest(self):
        return newest_public_change()


class RowsSitemap(Sitemap):
    """A section small enough to read whole, once per request, with a `last_change` per row."""

    def rows(self):
        raise NotImplementedError

    @cached_property
    def _rows(self):
        return list(self.rows())

    def items(self):
        return self._rows

    def lastmod(self, row):
        return row.last_change


class VenueSitemap(RowsSitemap):
    def rows(self):
        return (
            Venue.objects.annotate(last_change=newest_change("papers__"))
            .filter(last_change__isnull=False)
            .order_by("position", "name")
        )


class AreaSitemap(RowsSitemap):
    def rows(self):
        return (
            Area.objects.annotate(last_change=newest_change("papers__"))
            .filter(last_change__isnull=False)
            .order_by("position", "name")
        )


class VenueAreaSitemap(RowsSitemap):
    """Every venue×area pair with at least one public note."""

    def rows(self):
        return (
            Paper.objects.published()
            .values("venue__slug", "area__slug")
            .annotate(last_change=Max(last_change()))
            .order_by("venue__position", "venue__name", "area__position", "area__name")
        )

    def location(self, row):
        return reverse("venues:venue-area", kwargs={"venue": row["venue__slug"], "area": row["area__slug"]})

    def lastmod(self, row):
        return row["last_change"]


class TopicSitemap(RowsSitemap):
    """Every topic with at least one public note. Two queries."""

    def rows(self):
        # Grouped from the notes' side, in one pass over the public notes' topics: a
        # pass per topic (Topic.objects.annotate(...)) is several times slower.
        changes = dict(
            TaggedPaper.objects.filter(published_q("content_object__"))
            .values_list("tag_id")
            .annotate(last_change=Max(last_change("content_object__")))
            .order_by()
        )
        topics = list(Topic.objects.filter(pk__in=list(changes)).only("name", "slug").order_by("name"))
        for topic in topics:
            topic.last_change = changes[topic.pk]
        return topics


class NoteSitemap(Sitemap):
    """Every public note, in pages of `limit` (two queries a page: a count and the page)."""

    limit = 5000

    def items(self):
        # In creation order, so that new notes land on the last page and the others stay put.
        return (
            Paper.objects.published()
            .select_related("venue", "area")
            .only("slug", "updated_at", "published_at", "venue__slug", "area__slug")
            .order_by("pk")
        )

    def lastmod(self, paper):
        return changed_at(paper)

    def get_latest_lastmod(self):
        # The default would read every note for the index; one aggregate does.
        return newest_public_change()


SECTIONS = {
    "static": StaticSitemap,
    "venues": VenueSitemap,
    "areas": AreaSitemap,
    "venue-areas": VenueAreaSitemap,
    "topics": TopicSitemap,
    "notes": NoteSitemap,
}
