"""Pages about papers themselves: one note, one topic, the filtered list."""

from django.shortcuts import get_object_or_404, redirect, render

from papers.filters import PaperFilter
from papers.models import Paper, Topic
from papers.pagination import paginate
from venues.models import Venue


def paper_detail(request, venue, area, paper):
    paper = get_object_or_404(
        Paper.objects.published().select_related("venue", "area").prefetch_related("topics"),
        venue__slug=venue,
        slug=paper,
    )
    if paper.area.slug != area:
        # The note moved to another area since the link was made: keep the link working.
        return redirect(paper, permanent=True)
    return render(request, "papers/paper_detail.html", {"paper": paper})


def topic_detail(request, topic):
    topic = get_object_or_404(Topic, slug=topic)
    papers = Paper.objects.published().filter(tagged_topics__tag=topic).for_list().in_venue_order()
    return render(
        request,
        "papers/topic_detail.html",
        {
            "topic": topic,
            "page": paginate(request, papers),
            "venues": list(Venue.objects.listed(tagged_topics__tag=topic)),
        },
    )


def paper_list(request):
    """Every public paper, filtered by django-filter.

    Invalid filter values are shown next to their fields, with a 400 status; the
    valid ones still apply, so the reader keeps a useful list.
    """
    papers = Paper.objects.published().for_list().with_rating().in_title_order()
    filterset = PaperFilter(request.GET, queryset=papers)
    page = paginate(request, filterset.qs)
    status = 400 if filterset.errors else 200
    return render(request, "papers/paper_list.html", {"filter": filterset, "page": page}, status=status)
