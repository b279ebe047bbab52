"""Pages organised by where papers appeared: home, a venue, a venue×area, an area."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from papers.markdown import summaries
from papers.models import Paper, Topic
from papers.pagination import paginate
from papers.seo import crumbs
from venues.models import Area, Venue


def home(request):
    venues = list(Venue.objects.listed())
    areas = list(Area.objects.listed())
    topics = list(Topic.objects.listed()[:30])
    return render(
        request,
        "venues/home.html",
        {
            "venues": venues,
            "areas": areas,
            "topics": topics,
            "paper_total": sum(venue.paper_count for venue in venues),
            "breadcrumbs": crumbs(),
        },
    )


def venue_detail(request, venue):
    venue = get_object_or_404(Venue, slug=venue)
    areas = list(Area.objects.listed(venue=venue))
    previews = {}
    first_papers = list(
        Paper.objects.published()
        .filter(venue=venue)
        .for_list()
        .first_per_area(settings.VENUE_PAGE_NOTES_PER_AREA)
    )
    summaries(first_papers)
    for paper in first_papers:
        previews.setdefault(paper.area_id, []).append(paper)
    paper_total = sum(area.paper_count for area in areas)
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
    papers = Paper.objects.published().filter(venue=venue, area=area).for_list().in_title_order()
    page = paginate(request, papers)
    summaries(page.object_list)
    if not page.paginator.count:
        raise Http404("No notes from this venue in this area.")
    return render(
        request,
        "venues/venue_area.html",
        {
            "venue": venue,
            "area": area,
            "page": page,
            "same_area_elsewhere": list(Venue.objects.exclude(pk=venue.pk).listed(area=area)),
            "top_topics": list(
                Topic.objects.top_for(
                    limit=settings.TOP_TOPICS_LIMIT,
                    min_count=settings.TOP_TOPICS_MIN_COUNT,
                    venue=venue,
                    area=area,
                )
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
    area = get_object_or_404(Area.objects.listed(), slug=area)
    papers = Paper.objects.published().filter(area=area).for_list().in_venue_order()
    page = paginate(request, papers)
    summaries(page.object_list)
    return render(
        request,
        "venues/area_detail.html",
        {
            "area": area,
            "page": page,
            "venues": list(Venue.objects.listed(area=area)),
            "top_topics": list(
                Topic.objects.top_for(
                    limit=settings.TOP_TOPICS_LIMIT,
                    min_count=settings.TOP_TOPICS_MIN_COUNT,
                    area=area,
                )
            ),
            "breadcrumbs": crumbs((area.name, area.get_absolute_url())),
            "meta_title": area.name,
            "meta_description": area.description or f"Notes on {area.name} papers across all venues.",
        },
    )
