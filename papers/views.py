"""Pages about papers themselves: one note, its citation, one topic, the filtered list."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from papers import search, search_query, seo, site_counts
from papers.filters import PaperFilter
from papers.markdown import note_body, summaries
from papers.models import Paper, Topic
from papers.pagination import KeysFirst, VenueByVenue, paginate


def get_paper(request, venue, paper):
    """The note at this URL, if the user may see it (see PaperQuerySet.visible_to)."""
    return get_object_or_404(
        Paper.objects.visible_to(request.user).select_related("venue", "area").prefetch_related("topics"),
        venue__slug=venue,
        slug=paper,
    )


def paper_detail(request, venue, area, paper):
    paper = get_paper(request, venue, paper)
    if paper.area.slug != area:
        # The note moved to another area since the link was made: keep the link working.
        return redirect(paper, permanent=True)
    same_list = Paper.objects.published().filter(venue=paper.venue, area=paper.area).for_list()
    related = list(Paper.objects.related_to(paper))
    summaries(related)
    response = render(
        request,
        "papers/paper_detail.html",
        {
            "paper": paper,
            "body": note_body(paper),
            "related": related,
            "previous": same_list.before(paper),
            "next": same_list.after(paper),
            "bibtex": seo.bibtex(paper, request.build_absolute_uri(paper.get_absolute_url())),
            "breadcrumbs": seo.crumbs(
                (paper.venue.name, paper.venue.get_absolute_url()),
                (paper.area.name, reverse("venues:venue-area", args=[paper.venue.slug, paper.area.slug])),
                (paper.title, paper.get_absolute_url()),
            ),
            "meta_title": f"{paper.title} · {paper.venue.name}",
            "meta_description": paper.summary or paper.title,
            "og_type": "article",
        },
    )
    if not paper.is_public:
        # A staff preview: never stored by a browser or a cache in between.
        response["Cache-Control"] = "private, no-store"
    return response


def paper_citation(request, venue, area, paper):
    """The note's paper as a BibTeX entry."""
    paper = get_paper(request, venue, paper)
    if paper.area.slug != area:
        return redirect("papers:cite", venue=venue, area=paper.area.slug, paper=paper.slug, permanent=True)
    entry = seo.bibtex(paper, request.build_absolute_uri(paper.get_absolute_url()))
    response = HttpResponse(entry, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{seo.citation_key(paper)}.bib"'
    return response


def topic_detail(request, topic):
    counts = site_counts.site_counts(request)
    topic = site_counts.public_or_404(Topic, topic, counts.topics())
    venues = site_counts.venues_listed(counts.topic_venues(topic))
    papers = Paper.objects.published().on_topic(topic).for_list()
    page = paginate(request, VenueByVenue(papers, venues))
    summaries(page.object_list)
    return render(
        request,
        "papers/topic_detail.html",
        {
            "topic": topic,
            "page": page,
            "venues": venues,
            "breadcrumbs": seo.crumbs((topic.name, topic.get_absolute_url())),
            "meta_title": topic.name,
            "meta_description": f"Notes on papers about {topic.name}, across all venues.",
        },
    )


def paper_list(request):
    """Every public paper, filtered by django-filter, and searched when `q` is given.

    Invalid filter values are shown next to their fields, with a 400 status; the
    valid ones still apply, so the reader keeps a useful list. A search lists its best
    matches (at most SEARCH_MATCH_LIMIT), with a snippet each and their counts by venue,
    area and topic.
    """
    papers = Paper.objects.published().for_list().with_rating().in_title_order()
    filterset = PaperFilter(request.GET, queryset=papers)
    query = filterset.search_query
    per_page = settings.SEARCH_RESULTS_PER_PAGE if query else settings.PAPERS_PER_PAGE
    results = filterset.results()
    # Narrowed by venue, area, topic or year only, the site's counts know how many.
    counts = SimpleLazyObject(lambda: site_counts.site_counts(request))
    count = filterset.counted_by_site(counts) if query is None else None
    if query is None:
        results = KeysFirst(results)
    page = paginate(request, results, per_page, count=count)
    facet_groups = []
    if query:
        search.add_snippets(page.object_list, query)  # shown instead of the summaries
        facet_groups = facet_links(request, results.facets)
    else:
        summaries(page.object_list)
    status = 400 if filterset.errors else 200
    text = filterset.form.cleaned_data.get("q")
    return render(
        request,
        "papers/paper_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query,
            "facet_groups": facet_groups,
            # Set when more notes match than a search lists (SEARCH_MATCH_LIMIT).
            "match_limit": results.limit if query and results.more else None,
            "breadcrumbs": seo.crumbs(("All notes", request.path)),
            "meta_title": f"“{text}” · All notes" if text else "All notes",
            "meta_description": "Every note, filtered by venue, area, topic, year, presentation and rating.",
        },
        status=status,
    )


FACET_TITLES = {"venue": "Venues", "area": "Areas", "topic": "Topics"}


def facet_links(request, counts):
    """[(title, [(name, count, url, chosen)])]: each facet value linked to the current
    search narrowed to it (for a topic: to that topic alone)."""
    groups = []
    for name, title in FACET_TITLES.items():
        chosen = set(request.GET.getlist(name))
        links = []
        for item in counts[name]:
            params = request.GET.copy()
            params.setlist(name, [item["slug"]])
            params.pop("page", None)
            links.append((item["name"], item["count"], "?" + params.urlencode(), item["slug"] in chosen))
        if links:
            groups.append((title, links))
    return groups


def suggest(request):
    """Up to ten public notes whose titles match what is typed so far, as JSON."""
    papers = search.suggestions(request.GET.get("q", "")[: search_query.MAX_QUERY_LENGTH])
    return JsonResponse(
        {
            "results": [
                {"title": paper.title, "url": paper.get_absolute_url(), "venue": paper.venue.name}
                for paper in papers
            ]
        }
    )
