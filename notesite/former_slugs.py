"""Links made before a venue, an area, a topic or a note changed its slug keep working.

Every change leaves a historical record (papers/history.py), slugs included. When a
public page is not found, this looks up the slugs of its address in those records and,
if each names something that is still there under another slug (or, for a note, in
another venue or area; for a topic, merged into another), answers with a permanent
redirect to where it is now. A few queries, on a page that was not found only. A note
that is not public stays not found.
"""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from papers.models import Paper, Topic
from papers.services import merged_into
from venues.models import Area, Venue

# The URL arguments that name an object by its slug, and their models.
SLUGGED = {"venue": Venue, "area": Area, "topic": Topic}


class FormerSlugsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        match = request.resolver_match
        if not isinstance(exception, Http404) or match is None or request.method not in ("GET", "HEAD"):
            return None
        kwargs = dict(match.kwargs)
        if not kwargs or not set(kwargs) <= {*SLUGGED, "paper"}:
            return None
        if "paper" in kwargs:
            # A note's address follows the note, wherever its venue and area are now.
            paper = _moved_paper(kwargs["venue"], kwargs["paper"])
            if paper is None:
                return None
            moved = {"venue": paper.venue.slug, "area": paper.area.slug, "paper": paper.slug}
        else:
            moved = {name: _current_slug(SLUGGED[name], slug) for name, slug in kwargs.items()}
        if None in moved.values() or moved == {name: kwargs[name] for name in moved}:
            return None
        url = reverse(match.view_name, kwargs={**kwargs, **moved})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


def _current_slug(model, slug):
    """The slug now of what had `slug` last (for a topic merged into another, of that
    one); None when it is gone or never was."""
    if model.objects.filter(slug=slug).exists():
        return slug
    record = model.history.filter(slug=slug).order_by("-history_id").first()
    if record is None:
        return None
    pk = merged_into(record) if model is Topic else None
    return model.objects.filter(pk=pk or record.id).values_list("slug", flat=True).first()


def _moved_paper(venue_slug, slug):
    """The public note that was at /<venue_slug>/…/<slug>/, where it is now; else None."""
    venue_ids = {*Venue.objects.filter(slug=venue_slug).values_list("pk", flat=True)}
    venue_ids.add(_last_holder(Venue, slug=venue_slug))
    pk = _last_holder(Paper, slug=slug, venue_id__in=venue_ids - {None})
    if pk is None:
        return None
    return Paper.objects.published().select_related("venue", "area").filter(pk=pk).first()


def _last_holder(model, **lookups):
    """The id of the object whose historical records last matched `lookups`."""
    records = model.history.filter(**lookups).order_by("-history_id")
    return records.values_list("id", flat=True).first()
