"""Import a tree of the static site's notes (see paper-notes-format.md) into the database.

`import_tree()` walks a `docs/` tree, a venue folder or an area folder, and creates or
updates one paper per note, identified by (venue, slug). It streams: each file is read,
parsed and compared with the database, and writes go out in batches, so memory stays
bounded whatever the size of the tree. A file that cannot be used is reported with the
reason and skipped before anything of it is written; every other file is imported.

What a file does not say is left as it is: a re-imported note keeps the status an
editor gave it, its topics (unless the file or the topic rules name them), and its
publication date when the file has none. An unchanged file writes nothing at all.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from papers.fields import whole_seconds
from papers.history import CREATED, record_paper_history
from papers.models import Paper, Topic
from papers.notes_format import PAPER_FIELDS, NoteError, parse_index, parse_note
from papers.search import index_papers
from papers.services import TopicCache, refresh_planner_statistics, same_topics, set_paper_topics
from venues.models import RESERVED_VENUE_SLUGS, Area, Venue

MAX_NOTE_BYTES = 1024 * 1024
BATCH_SIZE = 500
# A note's slug is its file name: letters (any script), digits, "_" and "-" only.
TOPIC_NAME_LENGTH = Topic._meta.get_field("name").max_length
WEB_URL = URLValidator(schemes=["http", "https"])
PLAIN_SLUG = re.compile(r"^[-\w]+\Z")
ASCII_SLUG = re.compile(r"^[-a-zA-Z0-9_]+\Z")
VENUE_NAME = re.compile(r"^(?P<series>.*?)(?P<year>(19|20)\d\d)$")
NON_NOTES = {"index.md"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failures: list = field(default_factory=list)  # (path, reason)
    warnings: list = field(default_factory=list)  # (path, what was left out)
    venues_created: list = field(default_factory=list)
    areas_created: list = field(default_factory=list)

    @property
    def failed(self):
        return len(self.failures)

    def fail(self, path, reason):
        self.failures.append((str(path), reason))


@dataclass
class NoteFile:
    path: Path
    venue_dir: Path
    area_slug: str

    @property
    def slug(self):
        # Trees copied from macOS spell "ö" as "o" plus a combining mark: store one form.
        return unicodedata.normalize("NFC", self.path.stem)


@dataclass
class PendingNote:
    file: NoteFile
    venue: Venue
    area: Area
    note: object  # notes_format.Note


def import_tree(root, *, dry_run=False, venues=None, rules=None, progress: Callable | None = None):
    """Import every note under `root`; returns an ImportReport.

    `venues`: only these venue folder names. `rules`: TopicRules to apply.
    `progress(done, total)` is called as files are read.
    """
    importer = _Importer(Path(root), dry_run=dry_run, rules=rules)
    files = list(find_note_files(Path(root), venues=venues))
    importer.run(files, progress=progress)
    if not dry_run and (importer.report.created or importer.report.updated):
        refresh_planner_statistics()
    return importer.report


def find_note_files(root, *, venues=None):
    """The note files under `root`, which may be a docs tree, a venue folder or an area folder."""
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder.")
    level = _level_of(root)
    if level == "docs":
        venue_dirs = [d for d in _subdirs(root) if _note_dirs(d)]
        # A venue folder with an index.md but no notes yet still names a venue.
        venue_dirs += [d for d in _subdirs(root) if (d / "index.md").is_file() and d not in venue_dirs]
        venue_dirs.sort()
    elif level == "venue":
        venue_dirs = [root]
    else:
        venue_dirs = [root.parent]
    for venue_dir in venue_dirs:
        if venues and venue_dir.name not in venues:
            continue
        area_dirs = [root] if level == "area" else _note_dirs(venue_dir)
        for area_dir in area_dirs:
            for path in sorted(area_dir.iterdir()):
                if path.suffix == ".md" and path.name not in NON_NOTES and path.is_file():
                    yield NoteFile(path=path, venue_dir=venue_dir, area_slug=area_dir.name)
        if not area_dirs:
            # No notes: yield nothing, but let the importer create the venue.
            yield NoteFile(path=venue_dir / "index.md", venue_dir=venue_dir, area_slug="")


def _subdirs(path):
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))


def _has_notes(path):
    return any(p.suffix == ".md" and p.name not in NON_NOTES for p in path.iterdir() if p.is_file())


def _note_dirs(venue_dir):
    return [d for d in _subdirs(venue_dir) if _has_notes(d)]


def _level_of(root):
    """ "docs" (venue folders below), "venue" (area folders below) or "area" (notes here)."""
    if any(_note_dirs(d) for d in _subdirs(root)):
        return "docs"
    if _note_dirs(root):
        return "venue"
    return "area"


class _Importer:
    def __init__(self, root, *, dry_run, rules):
        self.root = root
        self.dry_run = dry_run
        self.rules = rules
        self.report = ImportReport()
        self.now = timezone.now()
        self.venues = {}  # folder name -> Venue, or an error message
        self.areas = {}  # slug -> Area
        self.area_pages = {}  # slug -> the first index.md found for it
        self.seen = {}  # (venue folder, slug) -> first path
        self.topics = TopicCache()
        self.batch = []

    def run(self, files, *, progress):
        for file in files:
            if file.area_slug and file.area_slug not in self.area_pages:
                page = file.venue_dir / file.area_slug / "index.md"
                if page.is_file():
                    self.area_pages[file.area_slug] = page
        for done, file in enumerate(files, 1):
            self._take(file)
            if len(self.batch) >= BATCH_SIZE:
                self._flush()
            if progress:
                progress(done, len(files))
        self._flush()

    def _take(self, file):
        venue = self._venue(file.venue_dir)
        if not file.area_slug:
            # A venue folder with no notes: nothing can fail, so the venue is made now.
            if not isinstance(venue, str):
                self._ensure_saved(venue, self.report.venues_created, venue.slug)
            return
        if isinstance(venue, str):
            self.report.fail(file.path, venue)
            return
        reason = self._check_slug(file)
        if reason:
            self.report.fail(file.path, reason)
            return
        try:
            note = parse_note(_read(file.path))
            for warning in _fit(note):
                self.report.warnings.append((str(file.path), warning))
        except NoteError as error:
            self.report.fail(file.path, str(error))
            return
        self.seen[(file.venue_dir.name, file.slug)] = file.path
        self.batch.append(PendingNote(file=file, venue=venue, area=self._area(file), note=note))

    def _check_slug(self, file):
        if not ASCII_SLUG.match(file.area_slug) or len(file.area_slug) > 100:
            return (
                f"the area folder {file.area_slug!r} is not a valid slug (ASCII letters, digits, '_' and '-')"
            )
        slug = file.slug
        if not PLAIN_SLUG.match(slug) or len(slug) > 255:
            return f"the file name {file.path.name!r} is not a plain slug (letters, digits, '_' and '-')"
        first = self.seen.get((file.venue_dir.name, slug))
        if first:
            return f"duplicate slug {slug!r} in {file.venue_dir.name}: already imported from {first}"
        return ""

    def _venue(self, venue_dir):
        name = venue_dir.name
        if name in self.venues:
            return self.venues[name]
        if not ASCII_SLUG.match(name) or len(name) > 100:
            venue = (
                f"the venue folder {name!r} is not a valid venue slug (ASCII letters, digits, '_' and '-')"
            )
        elif name.lower() in RESERVED_VENUE_SLUGS:
            venue = f"the venue folder {name!r} is one of the site's own paths"
        else:
            # A venue an editor renamed keeps its folder: match on either.
            venue = Venue.objects.filter(Q(slug=name) | Q(name=name)).first() or self._new_venue(venue_dir)
        self.venues[name] = venue
        return venue

    def _new_venue(self, venue_dir):
        name = venue_dir.name
        page = _index(venue_dir / "index.md")
        meta = page.meta if page else {}
        parts = VENUE_NAME.match(name)
        # The export writes the venue's display name in the front matter; the folder is its slug.
        display_name = str(meta.get("name") or name)[:100]
        if display_name != name and Venue.objects.filter(name=display_name).exists():
            display_name = name
        venue = Venue(
            name=display_name,
            slug=name,
            emoji=page.emoji if page else "",
            series=str(meta.get("series") or (parts["series"].rstrip("-_ ") if parts else ""))[:50],
            year=_int(meta.get("year")) or (int(parts["year"]) if parts else None),
            full_name=str(meta.get("full_name") or "")[:255],
            url=str(meta.get("url") or "")[:500],
            position=_int(meta.get("position")) or 0,
        )
        return venue  # saved with its first good note (_ensure_saved)

    def _area(self, file):
        slug = file.area_slug
        if slug not in self.areas:
            self.areas[slug] = Area.objects.filter(slug=slug).first() or self._new_area(slug)
        return self.areas[slug]

    def _new_area(self, slug):
        page = _index(self.area_pages[slug]) if slug in self.area_pages else None
        meta = page.meta if page else {}
        area = Area(
            slug=slug[:100],
            name=((page.name if page else "") or slug.replace("_", " ").title())[:100],
            emoji=page.emoji if page else "",
            description=str(meta.get("description") or ""),
            position=_int(meta.get("position")) or 0,
        )
        return area  # saved with its first good note (_ensure_saved)

    def _flush(self):
        if not self.batch:
            return
        batch, self.batch = self.batch, []
        # New venues and areas are made only now, for notes that could be read, so a
        # folder of nothing but bad files leaves nothing behind.
        for pending in batch:
            self._ensure_saved(pending.venue, self.report.venues_created, pending.venue.slug)
            self._ensure_saved(pending.area, self.report.areas_created, pending.area.slug)
        existing = self._existing(batch)
        to_create, to_update = [], []  # (paper, topic names, path)
        for pending in batch:
            paper = existing.get((pending.venue.pk, pending.file.slug))
            topics = self._topic_names(pending, paper)
            if paper is None:
                to_create.append((self._new_paper(pending), topics, pending.file.path))
            elif self._changed(paper, pending, topics):
                to_update.append((paper, topics, pending.file.path))
            else:
                self.report.unchanged += 1
        if self.dry_run:
            self.report.created += len(to_create)
            self.report.updated += len(to_update)
        elif to_create or to_update:
            self._write_batch(to_create, to_update)

    def _write_batch(self, to_create, to_update):
        """Write the batch at once; should the database refuse it, file by file, so that
        one note it refuses is reported and the others still go in."""
        try:
            self._write(to_create, to_update)
        except DatabaseError:
            # Topics made inside the rolled-back transaction are gone: forget them.
            self.topics = TopicCache()
            for item, created in [
                *((item, True) for item in to_create),
                *((item, False) for item in to_update),
            ]:
                try:
                    self._write([item] if created else [], [] if created else [item])
                except DatabaseError as error:
                    self.topics = TopicCache()
                    self.report.fail(item[2], f"the database refused it: {error}".strip())
                else:
                    self._count(created, 1)
        else:
            self._count(True, len(to_create))
            self._count(False, len(to_update))

    def _count(self, created, number):
        if created:
            self.report.created += number
        else:
            self.report.updated += number

    def _ensure_saved(self, obj, created, key):
        """Save a new venue or area once (or, in a dry run, only note that it would be)."""
        if obj.pk is None and key not in created:
            created.append(key)
            if not self.dry_run:
                obj.save()

    def _existing(self, batch):
        """The batch's papers already in the database, by (venue id, slug), with topics."""
        keys = {}
        for pending in batch:
            if pending.venue.pk:
                keys.setdefault(pending.venue.pk, []).append(pending.file.slug)
        papers = {}
        for venue_id, slugs in keys.items():
            for paper in Paper.objects.filter(venue_id=venue_id, slug__in=slugs).prefetch_related("topics"):
                papers[(venue_id, paper.slug)] = paper
        return papers

    def _topic_names(self, pending, paper):
        note = pending.note
        if note.topics:
            names = list(note.topics)
        else:
            names = [topic.name for topic in paper.topics.all()] if paper else []
        if self.rules:
            names = self.rules.apply(names, note.title, note.keywords, note.summary)
        return names

    def _new_paper(self, pending):
        note = pending.note
        return Paper(
            venue=pending.venue,
            area=pending.area,
            slug=pending.file.slug,
            status=Paper.Status.PUBLISHED,
            published_at=note.published_at or self.now,
            **{name: getattr(note, name) for name in PAPER_FIELDS},
        )

    def _changed(self, paper, pending, topics):
        """Bring `paper` in line with its file; whether anything changed."""
        note = pending.note
        wanted = {name: getattr(note, name) for name in PAPER_FIELDS}
        wanted["area_id"] = pending.area.pk
        if note.published_at:
            # Compared as saved: a file's fraction of a second would differ from the
            # note's time, and make every import an update.
            wanted["published_at"] = whole_seconds(note.published_at)
        changed = [name for name, value in wanted.items() if getattr(paper, name) != value]
        for name in changed:
            setattr(paper, name, wanted[name])
        if pending.area.pk != paper.area_id:
            paper.area = pending.area
        return bool(changed) or not same_topics([topic.name for topic in paper.topics.all()], topics)

    @transaction.atomic
    def _write(self, to_create, to_update):
        """Create and update papers with their topics, all or nothing."""
        created = Paper.objects.bulk_create([paper for paper, _, _ in to_create])
        if to_update:
            # bulk_update() runs no pre_save(): keep the sort key and the edit time right.
            sort_key = Paper._meta.get_field("title_sort")
            for paper, _, _ in to_update:
                sort_key.pre_save(paper, add=False)
                paper.updated_at = self.now
            Paper.objects.bulk_update(
                [paper for paper, _, _ in to_update],
                [*PAPER_FIELDS, "title_sort", "area", "published_at", "updated_at"],
            )
        papers = created + [paper for paper, _, _ in to_update]
        topics = [names for _, names, _ in [*to_create, *to_update]]
        set_paper_topics(dict(zip(papers, topics, strict=True)), self.topics)
        record_paper_history(
            {paper: names for paper, (_, names, _) in zip(created, to_create, strict=True)},
            history_type=CREATED,
            reason="Imported",
            when=self.now,
        )
        record_paper_history(
            {paper: names for paper, names, _ in to_update}, reason="Updated by an import", when=self.now
        )
        index_papers(dict(zip(papers, topics, strict=True)))


def _read(path):
    """The text of a note file, or NoteError saying why it cannot be had."""
    try:
        if path.stat().st_size > MAX_NOTE_BYTES:
            raise NoteError(f"larger than {MAX_NOTE_BYTES // 1024 // 1024} MB")
        raw = path.read_bytes()
    except OSError as error:
        raise NoteError(f"cannot read the file: {error.strerror or error}") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NoteError(f"not UTF-8 text (byte {error.start})") from None


def _fit(note):
    """Make `note` fit for the database, in place; returns warnings for what it left out.

    Raises NoteError when the note cannot be stored at all.
    """
    warnings = []
    for name in PAPER_FIELDS:
        value = getattr(note, name)
        if isinstance(value, str) and "\x00" in value:
            # No database column takes NUL (PostgreSQL refuses it outright) and it carries
            # no meaning in a note: drop it rather than the note.
            setattr(note, name, value.replace("\x00", ""))
    for name in ("title", "arxiv_id", "paper_url", "code_url"):
        limit = Paper._meta.get_field(name).max_length
        if len(getattr(note, name)) > limit:
            raise NoteError(
                f"the {Paper._meta.get_field(name).verbose_name} is longer than {limit} characters"
            )
    too_long = [name for name in note.topics if len(name) > TOPIC_NAME_LENGTH]
    if too_long:
        note.topics = [name for name in note.topics if len(name) <= TOPIC_NAME_LENGTH]
        warnings.append(f"topic names longer than {TOPIC_NAME_LENGTH} characters left out: {too_long!r}")
    for name in ("paper_url", "code_url"):
        # Links end up in href attributes: only real web addresses may go in.
        url = getattr(note, name)
        try:
            if url:
                WEB_URL(url)
        except ValidationError:
            setattr(note, name, "")
            label = Paper._meta.get_field(name).verbose_name
            warnings.append(f"the {label} {url!r} is not an http(s) address; left empty")
    return warnings


def _index(path):
    try:
        return parse_index(_read(path)) if path.is_file() else None
    except NoteError:
        return None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
