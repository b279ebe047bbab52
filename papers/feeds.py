"""Atom feeds of the newest public notes: the whole site, a venue, an area, a topic.

A feed costs a fixed number of queries whatever its size: its venue, area or topic
(when it has one), the notes with their venue and area, and their topics.
"""

import re

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from papers import site_counts
from papers.models import Paper, Topic
from papers.sitemaps import changed_at
from venues.models import Area, Venue

SITE_NAME = "Paper Notes"
NOTES_PER_FEED = 50

# Characters XML 1.0 cannot carry at all; Django's XML writer refuses them, which would
# turn one stray form feed in an imported note into a broken feed.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    """`value` as one line of text that XML can carry."""
    return " ".join(NOT_IN_XML.sub(" ", value).split())


class PlainTextAtom1Feed(Atom1Feed):
    """Atom with entry summaries marked as plain text.

    Django marks summaries as HTML; a summary is Markdown written by an editor, so any
    "<b>" or "<img …>" in it must reach the reader as text, not as markup.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class NoteFeed(Feed):
    """The newest public notes of the whole site; subclasses narrow them to one thing."""

    feed_type = PlainTextAtom1Feed
    # Atom wants an author for every entry; notes without authors get the site's.
    author_name = SITE_NAME

    def paper_filters(self, obj):
        """Lookups narrowing the notes to those of `obj`."""
        return {}

    def title(self, obj):
        return SITE_NAME if obj is None else f"{SITE_NAME} — {xml_text(obj.name)}"

    def subtitle(self, obj):
        return "The newest paper notes."

    def link(self, obj):
        return reverse("venues:home") if obj is None else obj.get_absolute_url()

    def items(self, obj):
        return (
            Paper.objects.published()
            .filter(**self.paper_filters(obj))
            .for_list()
            .prefetch_related("topics")
            .order_by("-published_at", "-pk")[:NOTES_PER_FEED]
        )

    def item_title(self, paper):
        # Atom titles are text: no HTML escaping here, the XML writer does its own.
        return xml_text(paper.title)

    def item_description(self, paper):
        return NOT_IN_XML.sub(" ", paper.summary).strip() or None

    def item_author_name(self, paper):
        return xml_text(paper.authors) or None

    def item_pubdate(self, paper):
        return paper.published_at

    def item_updateddate(self, paper):
        return changed_at(paper)

    def item_categories(self, paper):
        # .all() reads the prefetched topics; taggit's names() would query again.
        return sorted((xml_text(topic.name) for topic in paper.topics.all()), key=str.lower)


class VenueNoteFeed(NoteFeed):
    def get_object(self, request, venue):
        return get_object_or_404(Venue, slug=venue)

    def paper_filters(self, venue):
        return {"venue": venue}

    def subtitle(self, venue):
        return f"The newest paper notes from {xml_text(venue.name)}."


class AreaNoteFeed(NoteFeed):
    def get_object(self, request, area):
        # Only areas and topics with public notes are public: a topic used only on
        # drafts may name unannounced work.
        return site_counts.public_or_404(Area, area, site_counts.site_counts(request).areas())

    def paper_filters(self, area):
        return {"area": area}

    def subtitle(self, area):
        return f"The newest paper notes in {xml_text(area.name)}, across all venues."


class TopicNoteFeed(NoteFeed):
    def get_object(self, request, topic):
        return site_counts.public_or_404(Topic, topic, site_counts.site_counts(request).topics())

    def paper_filters(self, topic):
        return {"tagged_topics__tag": topic}

    def subtitle(self, topic):
        return f"The newest paper notes on {xml_text(topic.name)}, across all venues."
