"""How many public papers each venue, area and topic has: the counts every public page
shows, computed once per version of the site's content.

Counting the whole site reads every public paper and every topic link: at 100,000
notes that is hundreds of milliseconds, too much for each page. The counts change only
when the content does, and `content_version()` (notesite/page_cache.py) tells, in one
small query, whether it has: every write leaves a historical record, and a scheduled
note going live moves the newest publication time that has passed. So each process
keeps the counts of the latest version it has seen, and the shared cache keeps them
for the other processes and machines; the first request after a change counts again.

The counts follow `published_q`, the one rule for what is public.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404

from papers.models import Paper, TaggedPaper, Topic
from papers.querysets import published_q
from venues.models import Area, Venue

_latest = None  # (version, SiteCounts) of this process
_lock = threading.Lock()


@dataclass
class SiteCounts:
    """Public papers by (venue id, area id), and topic links of public papers by
    (topic id, venue id, area id). Everything else is summed from these."""

    pairs: dict
    topic_links: dict
    _sums: dict = field(default_factory=dict, repr=False)

    @classmethod
    def count(cls):
        """The counts as the database holds them now: two grouped queries."""
        pairs = (
            Paper.objects.published().values_list("venue_id", "area_id").annotate(n=Count("pk")).order_by()
        )
        links = (
            TaggedPaper.objects.filter(published_q("content_object__"))
            .values_list("tag_id", "content_object__venue_id", "content_object__area_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return cls(
            pairs={(venue, area): n for venue, area, n in pairs},
            topic_links={(topic, venue, area): n for topic, venue, area, n in links},
        )

    def papers(self, *, venue=None, area=None, topic=None):
        """Public papers, in a venue, an area and/or with a topic (objects or ids), or in all."""
        return sum(self._by("venue", venue=venue, area=area, topic=topic).values())

    def venues(self, *, area=None):
        """{venue id: public papers}, only venues that have some (in `area`, if given)."""
        return self._by("venue", area=area)

    def areas(self, *, venue=None):
        """{area id: public papers}, only areas that have some (in `venue`, if given)."""
        return self._by("area", venue=venue)

    def topics(self, *, venue=None, area=None):
        """{topic id: public papers with it}, in a venue and/or area if given."""
        return self._by("topic", venue=venue, area=area)

    def topic_venues(self, topic):
        """{venue id: public papers with `topic`}."""
        return self._by("venue", topic=topic)

    def _by(self, key, **where):
        where = {name: getattr(value, "pk", value) for name, value in where.items() if value is not None}
        memo_key = (key, tuple(sorted(where.items())))
        if memo_key not in self._sums:
            sums = Counter()
            if key == "topic" or "topic" in where:
                rows = (({"topic": t, "venue": v, "area": a}, n) for (t, v, a), n in self.topic_links.items())
            else:
                rows = (({"venue": v, "area": a}, n) for (v, a), n in self.pairs.items())
            for row, n in rows:
                if all(row[name] == value for name, value in where.items()):
                    sums[row[key]] += n
            self._sums[memo_key] = dict(sums)
        return self._sums[memo_key]


def site_counts(request=None):
    """The counts for the content as it is now: one small query when nothing changed,
    none when the page cache has already read the version for this `request`."""
    from notesite.page_cache import content_version  # the page cache reads the models too

    global _latest
    version = getattr(request, "content_version", None) or content_version()[0]
    latest = _latest
    if latest is not None and latest[0] == version:
        return latest[1]
    with _lock:  # one thread of the process counts; the others wait for its answer
        if _latest is not None and _latest[0] == version:
            return _latest[1]
        key = f"site-counts:{version}"
        counts = cache.get(key)
        if counts is None:
            counts = SiteCounts.count()
            cache.set(key, SiteCounts(counts.pairs, counts.topic_links))
        _latest = (version, counts)
    return counts


def forget():
    """Drop this process's counts (tests start each from an empty database)."""
    global _latest
    _latest = None


# What the pages show, from the counts.


def public_or_404(model, slug, counts_by_id):
    """The area or topic with this slug, if `counts_by_id` gives it public papers.

    One used only on drafts may name unannounced work: it is not public."""
    obj = get_object_or_404(model, slug=slug)
    if not counts_by_id.get(obj.pk):
        raise Http404(f"No public notes in this {model._meta.verbose_name}.")
    return obj


def with_counts(objects, counts, order):
    """The `objects` that `counts` ({id: n}) counts, each with `paper_count`, sorted by `order`."""
    listed = []
    for obj in objects:
        if counts.get(obj.pk):
            obj.paper_count = counts[obj.pk]
            listed.append(obj)
    return sorted(listed, key=order)


def venues_listed(counts_by_venue):
    """Venues with public papers, in the venues' order (position, then name)."""
    return with_counts(Venue.objects.filter(pk__in=counts_by_venue), counts_by_venue, _venue_order)


def areas_listed(counts_by_area):
    """Areas with public papers, most papers first, then in the areas' order."""
    return with_counts(Area.objects.filter(pk__in=counts_by_area), counts_by_area, _area_order)


def topics_listed(counts_by_topic, limit=None):
    """Topics with public papers, most used first, then by name; at most `limit`."""
    topics = with_counts(Topic.objects.filter(pk__in=counts_by_topic), counts_by_topic, _topic_order)
    return topics[:limit]


def top_topics(counts, *, limit, min_count, venue=None, area=None):
    """The topics most used by the public papers of a venue and/or area, as a list.

    By count among those papers (`page_count`), descending; ties go to the topic with
    more public papers across the whole site (`site_count`), then to the name (code
    point order). Only topics used at least `min_count` times, at most `limit`.
    """
    on_page = counts.topics(venue=venue, area=area)
    site = counts.topics()
    ranked = sorted(
        ((topic_id, n) for topic_id, n in on_page.items() if n >= min_count),
        key=lambda item: (-item[1], -site[item[0]]),
    )
    if len(ranked) > limit:
        # Ties on both counts at the last place are settled by name: keep them all for now.
        last = ranked[limit - 1]
        ranked = [item for item in ranked if (item[1], site[item[0]]) >= (last[1], site[last[0]])]
    topics = Topic.objects.in_bulk([topic_id for topic_id, _ in ranked])
    for topic_id, n in ranked:
        topics[topic_id].page_count = n
        topics[topic_id].site_count = site[topic_id]
    placed = sorted(topics.values(), key=lambda t: (-t.page_count, -t.site_count, t.name))
    return placed[:limit]


def _venue_order(venue):
    return (venue.position, venue.name)


def _area_order(area):
    return (-area.paper_count, area.position, area.name)


def _topic_order(topic):
    return (-topic.paper_count, topic.name)
