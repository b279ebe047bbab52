"""Where a paper appeared (Venue) and what it is about (Area).

Areas are shared by every venue: that is what lets a page show the same area in
other venues.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.urls import reverse
from simple_history.models import HistoricalRecords

from papers.querysets import PaperCountsMixin

# Top-level paths the site serves itself. A venue with one of these slugs would be
# shadowed by (or shadow) a site page, so the database refuses them.
RESERVED_VENUE_SLUGS = (
    "__debug__",
    "accounts",
    "admin",
    "api",
    "areas",
    "feeds",
    "healthz",
    "media",
    "papers",
    "readyz",
    "search",
    "sitemap",
    "static",
    "topics",
)


class VenueQuerySet(PaperCountsMixin, models.QuerySet):
    paper_link = "venue"


class Venue(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="As readers know it, e.g. ICML2025.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Used in URLs, case kept: /ICML2025/. Usually the same as the name.",
    )
    emoji = models.CharField(max_length=16, blank=True, help_text="Shown before the name, e.g. 🧪.")
    series = models.CharField(max_length=50, blank=True, help_text="The conference series, e.g. ICML.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    full_name = models.CharField(max_length=255, blank=True)
    url = models.URLField(max_length=500, blank=True, help_text="The conference's own site.")
    position = models.IntegerField(default=0, help_text="Venues are listed by this number, lowest first.")

    objects = VenueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(In(Lower("slug"), RESERVED_VENUE_SLUGS)),
                name="venue_slug_not_reserved",
                violation_error_message=(
                    "This slug is one of the site's own paths ("
                    + ", ".join(RESERVED_VENUE_SLUGS)
                    + "); choose another."
                ),
            ),
        ]
        indexes = [models.Index(fields=["position", "name"], name="venue_position_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("venues:venue", kwargs={"venue": self.slug})

    @property
    def label(self):
        return f"{self.emoji} {self.name}".strip()


class AreaQuerySet(PaperCountsMixin, models.QuerySet):
    paper_link = "area"


class Area(models.Model):
    name = models.CharField(max_length=100, help_text="As readers know it, e.g. Pretraining.")
    slug = models.SlugField(max_length=100, unique=True, help_text="Used in URLs, e.g. llm_pretraining.")
    emoji = models.CharField(max_length=16, blank=True, help_text="Shown before the name, e.g. 📚.")
    description = models.TextField(blank=True)
    position = models.IntegerField(default=0, help_text="Areas are listed by this number, lowest first.")

    objects = AreaQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "name"]
        indexes = [models.Index(fields=["position", "name"], name="area_position_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("venues:area", kwargs={"area": self.slug})

    @property
    def label(self):
        return f"{self.emoji} {self.name}".strip()
