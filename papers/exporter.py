"""Write the public notes back out as a static-site tree (see paper-notes-format.md).

The tree holds a folder per venue with its `index.md`, a folder per area inside it with
its own `index.md`, and a note per published paper. Venue and area details that the
headings cannot carry (full name, URL, position, description) go in the front matter of
their `index.md`, and a note's topics in its front matter, so that importing the tree
into an empty database gives back the same venues, areas, papers and topics.
"""

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from papers.models import Paper
from papers.notes_format import PAPER_FIELDS, Note, render_index, render_note
from venues.models import Venue


@dataclass
class ExportReport:
    venues: int = 0
    areas: int = 0
    papers: int = 0


def export_tree(root):
    """Write every venue and every published paper under `root`; returns an ExportReport."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    # Every published note, scheduled ones included: their date keeps them scheduled.
    papers = (
        Paper.objects.filter(status=Paper.Status.PUBLISHED)
        .select_related("venue", "area")
        .prefetch_related("topics")
        .order_by("venue__position", "venue__name", "area__position", "area__slug", "title_sort", "pk")
        .iterator(chunk_size=1000)
    )
    venue_lines = []
    exported_venues = set()
    for venue, venue_papers in groupby(papers, key=lambda paper: paper.venue):
        area_lines = []
        for area, area_papers in groupby(venue_papers, key=lambda paper: paper.area):
            count = _write_area(root / venue.slug, venue, area, area_papers)
            area_lines.append(f"- [{area.label}]({area.slug}/index.md) · {count}")
            report.areas += 1
            report.papers += count
        _write_venue(root / venue.slug, venue, area_lines)
        exported_venues.add(venue.pk)
        venue_lines.append(f"- [{venue.label}]({venue.slug}/index.md)")
    # Venues with nothing public yet still get their folder and index.md.
    for venue in Venue.objects.exclude(pk__in=exported_venues):
        _write_venue(root / venue.slug, venue, [])
        venue_lines.append(f"- [{venue.label}]({venue.slug}/index.md)")
    report.venues = len(venue_lines)
    (root / "index.md").write_text("# Paper Notes\n\n" + "\n".join(venue_lines) + "\n", encoding="utf-8")
    return report


def _write_venue(folder, venue, area_lines):
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "name": venue.name,
        "series": venue.series,
        "year": venue.year,
        "full_name": venue.full_name,
        "url": venue.url,
        "position": venue.position,
    }
    text = render_index(emoji=venue.emoji, name=venue.name, meta=_present(meta), lines=area_lines)
    (folder / "index.md").write_text(text, encoding="utf-8")


def _write_area(venue_folder, venue, area, papers):
    folder = venue_folder / area.slug
    folder.mkdir(parents=True, exist_ok=True)
    links = []
    for paper in papers:
        text = render_note(note_of(paper), venue_label=venue.name, area_name=area.name)
        (folder / f"{paper.slug}.md").write_text(text, encoding="utf-8")
        links.append(f"- [{paper.title}]({paper.slug}.md)")
    header = f"**{venue.label}** · **{len(links)}** paper notes"
    meta = _present({"description": area.description, "position": area.position})
    (folder / "index.md").write_text(
        render_index(emoji=area.emoji, name=area.name, meta=meta, lines=[header, "", *links]),
        encoding="utf-8",
    )
    return len(links)


def note_of(paper):
    """The Note a paper is written out as."""
    return Note(
        **{name: getattr(paper, name) for name in PAPER_FIELDS},
        published_at=paper.published_at,
        topics=[topic.name for topic in paper.topics.all()],
    )


def _present(meta):
    return {key: value for key, value in meta.items() if value not in ("", None)}
