"""Pages organised by where papers appeared: home, a venue, a venue×area, an area."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from papers import site_counts
from papers.markdown import summaries
from papers.models import Paper
from papers.pagination import VenueByVenue, paginate
from papers.seo import crumbs
from venues.models import Area, Venue


def home(request):
    counts = site_counts.site_counts(request)
    return render(
        request,
        "venues/home.html",
        {
            "venues": site_counts.venues_listed(counts.venues()),
            "areas": site_counts.areas_listed(counts.areas()),
            "topics": site_counts.topics_listed(counts.topics(), limit=30),
            "paper_total": counts.papers(),
            "breadcrumbs": crumbs(),
        },
    )


def venue_detail(request, venue):
    venue = get_object_or_404(Venue, slug=venue)
    counts = site_counts.site_counts(request)
    areas = site_counts.areas_listed(counts.areas(venue=venue))
    previews = {}
    first_papers = list(
        Paper.objects.published()
        .filter(venue=venue)
        .for_list()
        .first_per_area([area.pk for area in areas], settings.VENUE_PAGE_NOTES_PER_AREA)
    )
    summaries(first_papers)
    for paper in first_papers:
        previews.setdefault(paper.area_id, []).append(paper)
    paper_total = counts.papers(venue=venue)
    return render(
        request,
        "venues/venue_detail.html",
        {
            "venue": venue,
            "areas": [(area, previews.get(area.pk, [])) for area in areas],
            "paper_total": paper_total,
            "breadcrumbs": crumbs((venue.name, venue.get_absolute_url())),
            "meta_title": venue.name,
            "meta_description": (
                f"{paper_total} notes on papers from {venue.full_name or venue.name}, in {len(areas)} areas."
            ),
        },
    )


def venue_area(request, venue, area):
    """The notes of one venue in one area: the site's most visited kind of page."""
    venue = get_object_or_404(Venue, slug=venue)
    area = get_object_or_404(Area, slug=area)
    counts = site_counts.site_counts(request)
    total = counts.papers(venue=venue, area=area)
    if not total:
        raise Http404("No notes from this venue in this area.")
    papers = Paper.objects.published().filter(venue=venue, area=area).for_list().in_title_order()
    page = paginate(request, papers, count=total)
    summaries(page.object_list)
    return render(
        request,
        "venues/venue_area.html",
        {
            "venue": venue,
            "area": area,
            "page": page,
            "same_area_elsewhere": [
                other for other in site_counts.venues_listed(counts.venues(area=area)) if other != venue
            ],
            "top_topics": site_counts.top_topics(
                counts,
                limit=settings.TOP_TOPICS_LIMIT,
                min_count=settings.TOP_TOPICS_MIN_COUNT,
                venue=venue,
                area=area,
            ),
            "breadcrumbs": crumbs(
                (venue.name, venue.get_absolute_url()),
                (area.name, request.path),
            ),
            "meta_title": f"{area.name} · {venue.name}",
            "meta_description": f"{page.paginator.count} notes on {venue.name} papers in {area.name}.",
        },
    )


def area_detail(request, area):
    """One area across every venue."""
    counts = site_counts.site_counts(request)
    area = site_counts.public_or_404(Area, area, counts.areas())
    venues = site_counts.venues_listed(counts.venues(area=area))
    papers = Paper.objects.published().filter(area=area).for_list()
    page = paginate(request, VenueByVenue(papers, venues))
    summaries(page.object_list)
    return render(
        request,
        "venues/area_detail.html",
        {
            "area": area,
            "page": page,
            "venues": venues,
            "top_topics": site_counts.top_topics(
                counts,
                limit=settings.TOP_TOPICS_LIMIT,
                min_count=settings.TOP_TOPICS_MIN_COUNT,
                area=area,
            ),
            "breadcrumbs": crumbs((area.name, area.get_absolute_url())),
            "meta_title": area.name,
            "meta_description": area.description or f"Notes on {area.name} papers across all venues.",
        },
    )
