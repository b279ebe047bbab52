from django.conf import settings
from django.core.paginator import Paginator

from papers.querysets import union_all


def requested_page(request):
    """The page number asked for; one that is not a whole number means the first."""
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def paginate(request, items, per_page=None, *, count=None):
    """The requested page of `items` (a queryset or any sequence the Paginator takes),
    of `count` items in all when the caller knows it (which saves counting them).

    A page number that is not a whole number shows the first page; one past either end
    shows the nearest valid page (Paginator.get_page would send 0 to the last page).
    """
    paginator = Paginator(items, per_page or settings.PAPERS_PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached property: this value is used instead
    return paginator.page(min(requested_page(request), paginator.num_pages))


class VenueByVenue:
    """The papers of a queryset grouped by venue, in the venues' order, by title within
    each: a sequence a Paginator pages through without sorting every paper.

    `venues` are the venues in their order, each with its `paper_count` in `papers`
    (from papers/site_counts.py); so a page knows which venues it spans and where in
    each it starts, and reads each part in title order from the index on (venue,
    title). One query per page, however many papers there are.
    """

    def __init__(self, papers, venues):
        self.papers = papers
        self.venues = venues

    def count(self):
        return sum(venue.paper_count for venue in self.venues)

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("VenueByVenue pages by slices only")
        start, stop = window.start or 0, window.stop if window.stop is not None else self.count()
        parts, offset = [], 0
        for venue in self.venues:
            first, last = max(start - offset, 0), min(stop - offset, venue.paper_count)
            if first < last:
                parts.append(self.papers.filter(venue=venue).in_title_order().values("pk")[first:last])
            offset += venue.paper_count
        if not parts:
            return []
        return list(self.papers.filter(pk__in=union_all(parts)).in_venue_order())


class KeysFirst:
    """A queryset a Paginator pages through by its keys first: a page deep in a long
    list reads the index up to it and then only its own rows whole, where an OFFSET
    reads every row before the page whole and throws it away. One query per page."""

    def __init__(self, queryset):
        self.queryset = queryset

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, window):
        if not isinstance(window, slice):
            raise TypeError("KeysFirst pages by slices only")
        return list(self.queryset.filter(pk__in=self.queryset.values("pk")[window]))
