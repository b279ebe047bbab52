"""The load benchmark's Django side: bench/run.py starts it in a process of its own, on
the database being measured, with the same settings as the web server.

    python bench/live_site.py urls [--samples 20]   # the pages to drive load at, as JSON
    python bench/live_site.py edit [--edits 3]      # edit notes while bench/run.py watches

`urls` prints, for each kind of page, `--samples` different paths on the site: the
home page, venues, venue×area pages, notes, areas and topics as bench/pages.py picks
them, filtered lists of /papers/ and searches for words taken from the sampled titles.

`edit` picks `--edits` notes, each the first by title on its venue×area page (so the
edited title stays on that page's first page), and prints one JSON line per note: its
path, its venue×area page and the marker its new title will carry. Then, for each line
read from stdin, it saves the next note with the marker appended to its title, through
the ORM as any script would (`paper.save()`: the history records it, so the content
version changes), and prints the time the save returned (`time.time()`).
"""

import argparse
import json
import random
import secrets
import sys
import time
from urllib.parse import urlencode

from pages import pages, sample_notes  # bench/pages.py: sets production settings up, then Django

from papers import site_counts
from papers.models import Paper


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["urls", "edit"])
    parser.add_argument("--samples", type=int, default=20, help="different paths per kind of page")
    parser.add_argument("--edits", type=int, default=3, help="notes to edit, one after the other")
    options = parser.parse_args()
    if options.action == "urls":
        print(json.dumps(sample_paths(random.Random(1), options.samples)))  # noqa: S311
    else:
        edit_notes(options.edits)


def sample_paths(rng, samples):
    kinds = pages(rng, samples)
    del kinds["list"]  # an unfiltered list: /papers/?page=N; filtered ones below
    notes = sample_notes(rng, samples)
    topics = site_counts.topics_listed(site_counts.site_counts().topics(), limit=samples)
    kinds["list"] = [filtered_list(index, note, topics) for index, note in enumerate(notes)]
    kinds["search"] = [f"/papers/?{urlencode({'q': word})}" for word in search_words(notes)]
    return {kind: paths for kind, paths in kinds.items() if paths}


def filtered_list(index, note, topics):
    """Three shapes of filtered list, in turn: a venue and an area by date, a venue's
    notes with code by rating, a topic in one year by title."""
    if index % 3 == 0:
        query = {"venue": note.venue.slug, "area": note.area.slug, "sort": "newest"}
    elif index % 3 == 1 or not topics:
        query = {"venue": note.venue.slug, "has_code": "true", "sort": "rating"}
    else:
        query = {"topic": topics[index % len(topics)].slug, "year": note.venue.year, "sort": "title"}
    return f"/papers/?{urlencode(query)}"


def search_words(notes):
    """A word of five letters or more from each note's title, each word once."""
    words = []
    for note in notes:
        candidates = [word.lower() for word in note.title.split() if word.isalpha() and len(word) >= 5]
        fresh = [word for word in candidates if word not in words]
        if fresh:
            words.append(fresh[len(fresh) // 2])
    return words


def edit_notes(count):
    pairs = list(
        Paper.objects.published()
        .values_list("venue_id", "area_id")
        .distinct()
        .order_by("venue_id", "area_id")
    )
    chosen = random.Random(2).sample(pairs, min(count, len(pairs)))  # noqa: S311
    notes = []
    for venue_id, area_id in chosen:
        note = (
            Paper.objects.published()
            .filter(venue_id=venue_id, area_id=area_id)
            .select_related("venue", "area")
            .in_title_order()
            .first()
        )
        marker = f"edited{secrets.token_hex(4)}"
        notes.append((note, marker))
        listing = f"/{note.venue.slug}/{note.area.slug}/"
        print(json.dumps({"note": note.get_absolute_url(), "list": listing, "marker": marker}), flush=True)
    for note, marker in notes:
        if not sys.stdin.readline():
            return
        note.title = f"{note.title} {marker}"
        note.save()
        print(json.dumps({"saved_at": time.time()}), flush=True)


if __name__ == "__main__":
    main()
