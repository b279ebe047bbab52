"""The static site's note format: read a note or an index page, and write them back.

Pure functions with no database, shared by the importer and the exporter. The format is
described in paper-notes-format.md; in short, a note is optional YAML front matter, an H1
title, a block of bold `**Label**: value` header lines, then `##` sections, among which a
TL;DR and a Rating section that become fields of their own.

Real trees were written over months by scripts and people, so reading is lenient: Chinese
or English labels, a header written as a table or on one line, several Rating sections,
ratings as stars, fractions or tables. What the parser does not understand stays in the
body as written rather than being lost.

Text is split on "\\n" only. `str.splitlines()` also breaks on "\\r", "\\x0b", "\\x0c",
"\\x1c"–"\\x1e", "\\x85" and "\\u2028", and real notes carry such stray characters (a "\\r"
where LaTeX's `\\rangle` lost its backslash): splitting on them would reshape the note.

`render_note` writes the form the parser reads back exactly: for a Note whose string
fields carry no surrounding whitespace, `parse_note(render_note(note, ...)) == note`.
"""

# The notes are written in Chinese as often as in English: full-width punctuation is meant.
# ruff: noqa: RUF001, RUF003

import functools
import math
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime

import yaml

# libyaml is ten times faster than the pure-Python loader; fall back when it is missing.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
YAML_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

BOM = "\ufeff"
FRONT_MATTER_FENCE = "---"
FRONT_MATTER_ENDS = ("---", "...")
TITLE_PREFIX = "[Paper Note]"

# Best first: a conference value naming two ("Spotlight Poster") gets the better one.
PRESENTATIONS = ("oral", "spotlight", "highlight", "poster")

# The rating fields of a Note, with the dimension names the exporter writes.
RATING_LABELS = {
    "rating_novelty": "Novelty",
    "rating_experiments": "Experimental Thoroughness",
    "rating_writing": "Writing Quality",
    "rating_value": "Value",
}
# Names seen for each dimension, lower-cased. Extra dimensions ("Technical Depth",
# "技术深度", "实用价值") are deliberately absent: they are not ratings the CMS keeps.
DIMENSIONS = {
    **dict.fromkeys(("novelty", "创新性", "新颖性", "创新"), "rating_novelty"),
    **dict.fromkeys(
        (
            "experimental thoroughness",
            "experiments",
            "experiment",
            "experimental",
            "实验充分性",
            "实验完整度",
            "实验",
        ),
        "rating_experiments",
    ),
    **dict.fromkeys(("writing quality", "writing", "写作质量", "写作"), "rating_writing"),
    **dict.fromkeys(("value", "对我的价值", "价值"), "rating_value"),
}
FULL_STARS = ("⭐", "★", "🌟")
RENDERED_STAR = "⭐"  # the star render_note writes
EMPTY_STAR = "☆"

# Header labels, lower-cased with surrounding symbols removed, and what they say.
CONFERENCE, AUTHORS, ARXIV, PAPER, OTHER_PAPER, CODE, AREA, KEYWORDS = (
    "conference",
    "authors",
    "arxiv",
    "paper",
    "other_paper",
    "code",
    "area",
    "keywords",
)
LABEL_KINDS = {
    **dict.fromkeys(("conference", "venue", "会议"), CONFERENCE),
    **dict.fromkeys(("authors", "author", "作者"), AUTHORS),
    **dict.fromkeys(("arxiv", "arxiv id", "arxiv link", "arxiv 链接", "arxiv链接"), ARXIV),
    **dict.fromkeys(("paper", "论文", "paper link", "论文链接"), PAPER),
    # Used for the paper link only when the note has no arXiv link; otherwise kept in the body.
    **dict.fromkeys(("openreview", "cvf"), OTHER_PAPER),
    **dict.fromkeys(("code", "代码", "code link", "代码链接", "github"), CODE),
    **dict.fromkeys(("area", "领域"), AREA),
    **dict.fromkeys(("keywords", "keyword", "关键词", "关键字"), KEYWORDS),
}

HEADING = re.compile(r"(#{1,6})(?:\s+(.*))?$", re.DOTALL)
# A line that starts as a heading ("## x") or a code fence ("```python"), with the newline
# before it: a literal first character lets the regex engine skip from newline to newline.
BLOCK_START = re.compile(r"\n(?:(?P<hashes>#{1,6})(?=\s|$)| {0,3}(?P<fence>`{3,}|~{3,}))", re.MULTILINE)
RELATED_MARK = "RELATED:START"
RELATED_START = re.compile(r"<!--\s*RELATED:START\s*-->")
RELATED_END = re.compile(r"<!--\s*RELATED:END\s*-->")
# `**Label**:`, `**Label:**` or `**Label**：`, anywhere in a line (a label may be glued to junk).
HEADER_LABEL = re.compile(r"\*\*(?P<label>[^*\n]{1,40}?)(?:\s*[:：]\s*\*\*|\s*\*\*\s*[:：])")
TABLE_SEPARATOR = re.compile(r"\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?")
EDGE_SYMBOLS = re.compile(r"^[\W_]+|[\W_]+$")
LEADING_SYMBOLS = re.compile(r"^[\W_]+")
PARENTHETICAL = re.compile(r"\([^)]*\)|（[^）]*）")
DIMENSION_ALTERNATIVES = re.compile(r"\s*[/|｜]\s*")
WHITESPACE = re.compile(r"\s+")
# What separates labels written on one line: `**A**: x / **B**: y`.
TRAILING_SEPARATOR = re.compile(r"\s*[/|·•｜]\s*$")
TRAILING_BREAK = re.compile(r"(?:\s*<br\s*/?>)+\s*$", re.IGNORECASE)
KEYWORD_SEPARATOR = re.compile(r"\s*[，、]\s*")
PRESENTATION = re.compile(r"(?<![a-z])(oral|spotlight|highlight|poster)(?![a-z])", re.IGNORECASE)

# [text](target), [text](<target>) and [text](target "title"); one level of parentheses
# inside a target, as in Wikipedia-style URLs.
MARKDOWN_LINK = re.compile(
    r"\]\(\s*(?:<(?P<angle>[^<>\n]*)>|(?P<plain>(?:[^()\s]|\([^()\s]*\))+))(?:\s+[\"'(][^\n]*?)?\s*\)"
)
AUTOLINK = re.compile(r"<(?P<url>[a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s]*)>")
BARE_URL = re.compile(r"https?://[^\s<>\"'\]\[]+", re.IGNORECASE)
ABSOLUTE_URL = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*:|www\.)\S")
PLAIN_LINK_TARGET = re.compile(r"(?:[^()\s<>]|\([^()\s<>]*\))+")
URL_TRAILING_PUNCTUATION = ".,;:!?。，；：、"
ARXIV_URL = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})(?:v\d+)?", re.IGNORECASE
)
ARXIV_BARE_ID = re.compile(r"(?<![\w./=?&-])(?:arxiv:\s*)?(?P<id>\d{4}\.\d{4,5})(?:v\d+)?(?![\w/])", re.I)

TLDR_HEADING = re.compile(r"(?P<tldr>tl\s*;?\s*dr|一句话总结)|summary", re.IGNORECASE)
RATING_HEADING = re.compile(r"ratings?|评分", re.IGNORECASE)
# Where the text of a Rating section that says more than its scores is kept in the body:
# the parser never reads a section so headed as a Rating section.
RATING_DETAILS = "Rating details"
RATING_DETAILS_ZH = "评分说明"
RATING_DETAILS_HEADING = re.compile(r"rating\s+details|评分说明", re.IGNORECASE)
# A line exactly as render_note writes it in its Rating section.
RENDERED_RATING = re.compile(
    rf"- (?P<label>{'|'.join(map(re.escape, RATING_LABELS.values()))}): "
    rf"(?P<stars>{RENDERED_STAR}{{1,5}}) \((?P<score>[1-5])/5\)"
)
RATING_BULLET = re.compile(r"(?:[-*+•]|\d+[.)])\s+")
RATING_NAME_END = re.compile(r"[:：]")
SCORE_START = re.compile(r"[⭐★🌟☆\d]")
SCORE_FRACTION = re.compile(r"(\d+(?:\.\d+)?)\s*/\s*(10|5)(?![\d.])")
# A score with nothing else beside it: "⭐⭐⭐⭐", "★★★☆☆", "(4/5)", "8/10", "4 分".
SCORE_ONLY = re.compile(r"[\s⭐★🌟☆\d./()（）]*(?:分|points?)?[\s.。]*", re.IGNORECASE)
SCORE_ALONE = re.compile(r"(\d(?:\.\d+)?)\s*(?:分|points?)?[.。]?")
# The first characters of an H1 that are an emoji: non-ASCII symbols (ZWJ and variation
# selectors included), so that "(Old) Notes" keeps its parenthesis.
INDEX_EMOJI = re.compile(r"((?:(?![\x00-\x7f])[^\w\s])+)\s*(.*)", re.DOTALL)


class NoteError(ValueError):
    """A file that cannot be read as a note; str(error) is a short reason for the report,
    e.g. "no title (no '# ' heading)"."""


@dataclass
class Note:
    title: str
    authors: str = ""
    arxiv_id: str = ""  # e.g. "2501.01234" (versions like v2 stripped)
    paper_url: str = ""  # the arXiv abs URL, or an OpenReview/CVF/other paper link
    code_url: str = ""  # "" for None / 无 / N/A / 待确认 / 未提及 / 有 / any non-link
    presentation: str = ""  # one of "", "oral", "spotlight", "highlight", "poster"
    keywords: str = ""  # comma-separated as written ("，" and "、" normalised to ", ")
    summary: str = ""  # the TL;DR section text, stripped
    body: str = ""  # everything else after the header, as written, without surrounding blank lines
    rating_novelty: int | None = None
    rating_experiments: int | None = None
    rating_writing: int | None = None
    rating_value: int | None = None
    published_at: datetime | None = None  # front matter `date`; timezone-aware, UTC when naive
    topics: list[str] = field(default_factory=list)  # front matter `topics:`, in order


#: The Note fields that are Paper fields of the same name and meaning.
PAPER_FIELDS = tuple(f.name for f in fields(Note) if f.name not in {"published_at", "topics"})


@dataclass
class IndexPage:
    emoji: str  # "" when none
    name: str  # the rest of the H1, e.g. "Pretraining"; "" when no H1
    meta: dict  # the YAML front matter, {} when none or malformed


@dataclass
class _HeaderEntry:
    """One `**Label**: value` of the header, with the line it came from when it had it alone."""

    kind: str | None
    label: str
    value: str
    line: str | None = None
    used: bool = False


# Reading -------------------------------------------------------------------------------


def parse_note(text: str) -> Note:
    """The Note written in `text` (already decoded). Raises NoteError when it has no title."""
    text = text.removeprefix(BOM)
    if not text.strip():
        raise NoteError("empty file")
    lines = text.split("\n")
    meta, start = _front_matter(lines)
    if RELATED_MARK in text:
        lines = _without_related("\n".join(lines[start:])).split("\n")
    elif start:
        lines = lines[start:]
    headings = _headings(lines)

    title_index = _title_index(lines, headings)
    if title_index is None:
        title = _title_from_meta(meta)
        if not title:
            raise NoteError("no title (no '# ' heading)")
        header_start = 0
    else:
        title = HEADING.match(lines[title_index]).group(2).strip()
        header_start = title_index + 1

    fields, rest, rest_headings = _read_header(lines, headings, header_start)
    summary, ratings, body_lines = _read_sections(rest, rest_headings)
    return Note(
        title=title,
        **fields,
        summary=summary,
        body=_join_without_blank_edges(body_lines),
        **ratings,
        published_at=_published_at(meta.get("date")),
        topics=_topics(meta.get("topics")),
    )


def parse_index(text: str) -> IndexPage:
    """The emoji, name and front matter of a venue or area `index.md`."""
    lines = text.removeprefix(BOM).split("\n")
    meta, start = _front_matter(lines)
    for line in lines[start:]:
        match = HEADING.match(line) if line.startswith("# ") else None
        if match and match.group(2) and match.group(2).strip():
            heading = match.group(2).strip()
            emoji = INDEX_EMOJI.match(heading)
            if emoji:
                return IndexPage(emoji=emoji.group(1), name=emoji.group(2).strip(), meta=meta)
            return IndexPage(emoji="", name=heading, meta=meta)
    return IndexPage(emoji="", name="", meta=meta)


def _front_matter(lines):
    """(the front matter as a dict, the index of the first line after it).

    Malformed YAML is ignored, never an error: the header lines carry what matters.
    """
    if lines[0].rstrip() != FRONT_MATTER_FENCE:
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].rstrip() in FRONT_MATTER_ENDS:
            break
    else:
        return {}, 0
    block = lines[1:end]
    try:
        meta = yaml.load("\n".join(block), Loader=YAML_LOADER)  # noqa: S506 (a safe loader)
    except Exception:  # malformed YAML raises any of several errors; all mean "ignore it"
        meta = None
    if isinstance(meta, dict):
        return meta, end + 1
    # Not a mapping: two horizontal rules around the title rather than front matter?
    if any(line.startswith("# ") for line in block):
        return {}, 0
    return {}, end + 1


def _without_related(text):
    """The text without the generated RELATED blocks: every line from the one holding the
    START marker to the one holding the END marker (to the end of the text when unclosed)."""
    while start := RELATED_START.search(text):
        block_start = text.rfind("\n", 0, start.start()) + 1
        end = RELATED_END.search(text, start.end())
        if end is None:
            return text[:block_start]
        block_end = text.find("\n", end.end())
        text = text[:block_start] + ("" if block_end == -1 else text[block_end + 1 :])
    return text


def _headings(lines):
    """{line index: level (1–6)} of the ATX headings outside fenced code, in order.

    Only lines that start like a heading or a fence are looked at, found by one regex
    over the text: this runs over every line of every note. A fence never closed is
    taken for a stray backtick run, not for code to the end of the note.
    """
    text = "\n" + "\n".join(lines)  # so that the first line has a newline before it too
    candidates = []  # (line index, "#…" or None, fence run or None)
    line_index = position = 0
    for match in BLOCK_START.finditer(text):
        line_index += text.count("\n", position, match.start())
        position = match.start()
        candidates.append((line_index, match.group("hashes"), match.group("fence")))

    unclosed = set()
    while True:
        headings = {}
        fence = None
        for index, hashes, run in candidates:
            if fence is None:
                if hashes:
                    headings[index] = len(hashes)
                elif index not in unclosed:
                    fence, fence_start = run, index
            elif run and run[0] == fence[0] and len(run) >= len(fence) and lines[index].strip() == run:
                fence = None
        if fence is None:
            return headings
        unclosed.add(fence_start)


def _title_index(lines, headings):
    """The H1: the first non-empty level-1 heading before any section heading."""
    for index, level in headings.items():
        if level > 1:
            return None
        if (HEADING.match(lines[index]).group(2) or "").strip():
            return index
    return None


def _title_from_meta(meta):
    title = meta.get("title")
    if not isinstance(title, str | int | float) or isinstance(title, bool):
        return ""
    title = WHITESPACE.sub(" ", str(title)).strip()
    return title.removeprefix(TITLE_PREFIX).strip()


def _read_header(lines, headings, start):
    """(the Note fields the header gives, the lines after it, their headings).

    The header is the run of label lines (and blank lines) after the H1, or a table of
    labels. Known labels are taken out; unknown ones (`**机构**: …`) stay where they were,
    at the start of what becomes the body.
    """
    items = []  # raw lines (str) and _HeaderEntry, in order
    index = start
    while index < len(lines) and index not in headings:
        line = lines[index]
        stripped = line.strip()
        if not stripped:
            items.append(line)
            index += 1
        elif stripped.startswith("|"):
            end = index
            while end < len(lines) and end not in headings and lines[end].lstrip().startswith("|"):
                end += 1
            entries = _header_table(lines[index:end])
            if entries is None:
                break
            items.extend(entries)
            index = end
        else:
            entries = _header_line(line)
            if not entries:
                break
            # A line of unknown labels only ("**Problem**: … **Idea**: …") stays as written.
            items.extend(entries if any(entry.kind for entry in entries) else [line])
            index += 1

    entries = [item for item in items if isinstance(item, _HeaderEntry)]
    fields = _header_fields(entries)
    kept = []
    for item in items:
        if isinstance(item, str):
            kept.append(item)
        elif item.kind is None or (item.kind == OTHER_PAPER and not item.used):
            kept.append(item.line if item.line is not None else f"**{item.label}**: {item.value}")
    shift = len(kept) - index
    rest_headings = {line + shift: level for line, level in headings.items() if line >= index}
    return fields, kept + lines[index:], rest_headings


def _header_line(line):
    """The label entries of one header line; [] when it has no label."""
    if "**" not in line:
        return []
    matches = list(HEADER_LABEL.finditer(line))
    entries = []
    for position, match in enumerate(matches):
        if position + 1 < len(matches):
            value = TRAILING_SEPARATOR.sub("", line[match.end() : matches[position + 1].start()])
        else:
            value = line[match.end() :]
        label = match.group("label").strip()
        entries.append(_HeaderEntry(_label_kind(label), label, _clean_value(value)))
    if len(entries) == 1:
        entries[0].line = line
    return entries


def _header_table(rows):
    """The label entries of a header written as a table, or None when the table is not one.

    Labels may run down the first column (`| **会议** | CVPR 2026 |`) or across the first
    row, with the values in the row below.
    """
    has_separator = any(TABLE_SEPARATOR.fullmatch(row.strip()) for row in rows)
    cells = [_table_cells(row) for row in rows if not TABLE_SEPARATOR.fullmatch(row.strip())]
    if not cells:
        return None
    across = sum(_label_kind(cell) is not None for cell in cells[0])
    down = sum(_label_kind(row[0]) is not None for row in cells)
    if across >= 2 and across > down and len(cells) >= 2:
        return [
            _HeaderEntry(_label_kind(label), _label_text(label), _clean_value(value))
            for label, value in zip(cells[0], cells[1], strict=False)
        ]
    if not down:
        return None
    entries = []
    for position, row in enumerate(cells):
        kind = _label_kind(row[0])
        if position == 0 and kind is None and has_separator:
            continue  # the column titles ("Field | Value")
        value = " | ".join(row[1:])
        entries.append(_HeaderEntry(kind, _label_text(row[0]), _clean_value(value)))
    return entries


def _table_cells(row):
    row = row.strip()
    row = row.removeprefix("|")
    row = row.removesuffix("|") if not row.endswith("\\|") else row
    return [cell.strip() for cell in row.split("|")]


def _label_text(label):
    return label.replace("*", "").strip().rstrip(":：").strip()


@functools.lru_cache(maxsize=4096)  # the same few labels come back in every note
def _label_kind(label):
    key = WHITESPACE.sub(" ", EDGE_SYMBOLS.sub("", label.replace("*", "")).lower())
    return LABEL_KINDS.get(key)


def _clean_value(value):
    if "<" in value:
        value = TRAILING_BREAK.sub("", value)
    return value.strip()


def _header_fields(entries):
    """The Note fields from the header entries; marks the OpenReview/CVF entry it uses."""

    def first(kind):
        return next((entry.value for entry in entries if entry.kind == kind and entry.value), "")

    arxiv_entries = [entry for entry in entries if entry.kind == ARXIV]
    paper_entries = [entry for entry in entries if entry.kind == PAPER]
    other_entries = [entry for entry in entries if entry.kind == OTHER_PAPER]

    arxiv_id = next(
        (found for entry in arxiv_entries + paper_entries if (found := _arxiv_id(entry.value))), ""
    )
    if paper_entries:
        # The exporter's own label: it says the paper link, even "none", over the arXiv one.
        paper_url = next((url for entry in paper_entries if (url := _first_url(entry.value))), "")
    elif arxiv_id:
        paper_url = _arxiv_abs_url(arxiv_id)
    else:
        # An OpenReview (or other) link written on the arXiv line, then OpenReview/CVF lines.
        paper_url = next((url for entry in arxiv_entries if (url := _first_url(entry.value))), "")
        for entry in other_entries:
            if paper_url:
                break
            paper_url = _first_url(entry.value)
            entry.used = bool(paper_url)

    code_url = next((url for entry in entries if entry.kind == CODE and (url := _first_url(entry.value))), "")
    return {
        "authors": first(AUTHORS),
        "arxiv_id": arxiv_id,
        "paper_url": paper_url,
        "code_url": code_url,
        "presentation": _presentation(first(CONFERENCE)),
        "keywords": KEYWORD_SEPARATOR.sub(", ", first(KEYWORDS)),
    }


def _presentation(conference):
    found = {match.lower() for match in PRESENTATION.findall(conference)}
    return next((name for name in PRESENTATIONS if name in found), "")


def _arxiv_id(value):
    match = ARXIV_URL.search(value) or ARXIV_BARE_ID.search(value)
    return match.group("id") if match else ""


def _arxiv_abs_url(arxiv_id):
    return f"https://arxiv.org/abs/{arxiv_id}"


def _first_url(value):
    """The first absolute link in a value: a Markdown link's target, an autolink or a bare URL."""
    for match in MARKDOWN_LINK.finditer(value):
        target = (match.group("angle") if match.group("angle") is not None else match.group("plain")).strip()
        if ABSOLUTE_URL.match(target):
            return target
    if match := AUTOLINK.search(value):
        return match.group("url")
    if match := BARE_URL.search(value):
        return _trim_bare_url(match.group())
    return ""


def _trim_bare_url(url):
    """A bare URL without the punctuation of the sentence around it."""
    while True:
        trimmed = url.rstrip(URL_TRAILING_PUNCTUATION)
        if trimmed.endswith(")") and trimmed.count("(") < trimmed.count(")"):
            trimmed = trimmed[:-1]
        if trimmed == url:
            return url
        url = trimmed


def _read_sections(lines, headings):
    """(summary, ratings, body lines): the TL;DR and Rating sections taken out of the rest.

    A section runs from its `##` heading to the next heading of any level, so a `###`
    inside a Rating section ends the ratings and stays in the body. A Rating section that
    holds more than render_note writes (reasons after the stars, extra dimensions, a
    paragraph, a score in the heading) stays in the body as written, where it was, under a
    "Rating details" / "评分说明" heading; its scores are read all the same.
    """
    starts = list(headings)
    body = lines[: starts[0]] if starts else list(lines)
    summary, summary_heading = "", None
    ratings = {}
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(lines)
        if headings[start] == 2:
            heading = (HEADING.match(lines[start]).group(2) or "").strip()
            kind = _section_kind(heading)
            if kind in ("tldr", "summary"):
                text = "\n".join(lines[start + 1 : end]).strip()
                if not summary:
                    summary, summary_heading = text, heading
                    continue
                # The note pasted in again: drop the repeat. A later "## Summary" with other
                # text is a conclusion, not a repeat, and stays.
                if kind == "tldr" or heading == summary_heading or text == summary:
                    continue
            elif kind is not None:
                section = lines[start + 1 : end]
                found = _ratings(section)
                # "## Rating Prediction" in a note about recommenders is a section, not ratings.
                if kind == "rating" or found:
                    ratings = ratings or found  # the first section that says anything wins
                    if not (kind == "rating" and _as_rendered(heading, section)):
                        body.append(_details_heading(lines[start], kind))
                        body.extend(section)
                    continue
        body.extend(lines[start:end])
    return summary, {name: ratings.get(name) for name in RATING_LABELS}, body


def _section_kind(heading):
    """What a `##` section is: "tldr", "summary" (a TL;DR headed "Summary"), "rating",
    "maybe_rating" (a heading that only starts like a rating one) or None."""
    name = LEADING_SYMBOLS.sub("", heading)
    if RATING_DETAILS_HEADING.match(name):
        return None
    if (match := TLDR_HEADING.match(name)) and not _word_follows(name, match.end()):
        return "tldr" if match.group("tldr") else "summary"
    if match := RATING_HEADING.match(name):
        return "maybe_rating" if _word_follows(name, match.end()) else "rating"
    return None


def _as_rendered(heading, section):
    """Whether a Rating section holds scores and nothing else: a bare heading and one
    `- <Dimension>: <score>` line per known dimension, the score written as stars, a
    fraction or a number. Such a section is fully kept by the four ratings; anything more
    (reasons, extra dimensions, prose) is editorial text the body must keep."""
    if not RATING_HEADING.fullmatch(EDGE_SYMBOLS.sub("", heading.replace("*", ""))):
        return False
    dimensions = set()
    for line in section:
        if not line.strip():
            continue
        if not RATING_BULLET.match(line.strip()):
            return False
        name, value = _rating_line(line.strip())
        dimension = _dimension(name)
        if dimension is None or dimension in dimensions or SCORE_ONLY.fullmatch(value) is None:
            return False
        dimensions.add(dimension)
    return True


def _details_heading(line, kind):
    """The `##` line of a Rating section, reworded so that it is never read as one again:
    "## Rating: 8/10" → "## Rating details: 8/10", "## 评分 ⭐⭐⭐⭐" → "## 评分说明 ⭐⭐⭐⭐",
    "## Rating Prediction" → "## Rating details: Rating Prediction"."""
    heading = HEADING.match(line)
    text_start = heading.start(2)
    text = heading.group(2)
    name_start = text_start + len(text) - len(LEADING_SYMBOLS.sub("", text))
    word = RATING_HEADING.match(line, name_start)
    chinese = word.group() == "评分"
    details = RATING_DETAILS_ZH if chinese else RATING_DETAILS
    if kind == "rating":
        return line[: word.start()] + details + line[word.end() :]
    return line[:text_start] + details + ("：" if chinese else ": ") + line[text_start:]


def _word_follows(text, position):
    rest = text[position:].lstrip()
    return bool(rest) and (rest[0].isalnum() or rest[0] == "_")


def _ratings(lines):
    """{rating field: 1–5} from the bullets, label lines and tables of a Rating section."""
    found = {}
    table = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("|"):
            if not TABLE_SEPARATOR.fullmatch(stripped):
                table.append(_table_cells(stripped))
        elif stripped:
            name, value = _rating_line(stripped)
            _add_rating(found, name, value)
    if table:
        names = table[0]
        if len(table) >= 2 and sum(_dimension(name) is not None for name in names) >= 2:
            pairs = zip(names, table[1], strict=False)  # dimensions across, scores below
        else:
            pairs = ((row[0], " ".join(row[1:])) for row in table if len(row) >= 2)
        for name, value in pairs:
            _add_rating(found, name, value)
    return found


def _rating_line(line):
    """(dimension name, the text carrying its score) of `- **Novelty**: ⭐⭐⭐⭐ reason`."""
    line = RATING_BULLET.sub("", line, count=1).replace("**", "")
    match = RATING_NAME_END.search(line)
    if match and match.start() <= 40:
        return line[: match.start()], line[match.end() :]
    match = SCORE_START.search(line)
    if match:
        return line[: match.start()], line[match.start() :]
    return line, ""


def _add_rating(found, name, value):
    dimension = _dimension(name)
    if dimension and dimension not in found:
        score = _score(value)
        if score is not None:
            found[dimension] = score


@functools.lru_cache(maxsize=4096)
def _dimension(name):
    key = PARENTHETICAL.sub("", name.replace("*", "").lower())
    key = WHITESPACE.sub(" ", EDGE_SYMBOLS.sub("", key))
    if key in DIMENSIONS:
        return DIMENSIONS[key]
    # "Novelty / 创新性"
    for part in DIMENSION_ALTERNATIVES.split(key):
        if part in DIMENSIONS:
            return DIMENSIONS[part]
    return None


def _score(value):
    """A 1–5 score from stars (★★★☆☆ out of their total), `n/5`, `n/10` or a lone number."""
    full = sum(value.count(star) for star in FULL_STARS)
    if full:
        empty = value.count(EMPTY_STAR)
        if empty and full + empty != 5:
            return _clamped(full * 5 / (full + empty))
        return _clamped(full)
    if match := SCORE_FRACTION.search(value):
        return _clamped(float(match.group(1)) * 5 / int(match.group(2)))
    if (match := SCORE_ALONE.fullmatch(value.strip())) and float(match.group(1)) <= 5:
        return _clamped(float(match.group(1)))
    return None


def _clamped(score):
    """Rounded half up (4.5 → 5, 7/10 → 3.5 → 4) into 1–5."""
    return min(5, max(1, math.floor(score + 0.5)))


def _join_without_blank_edges(lines):
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def _published_at(value):
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _topics(value):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    names = (str(item).strip() for item in value if item is not None)
    return [name for name in names if name]


# Writing -------------------------------------------------------------------------------


def render_note(note: Note, *, venue_label: str, area_name: str) -> str:
    """The note as a file of the static site, in the form parse_note reads back exactly."""
    lines = [*_render_front_matter(note), f"# {_one_line(note.title)}", ""]
    lines += _render_header(note, venue_label=venue_label, area_name=area_name)
    lines.append("")

    # Text before the body's first heading goes before the TL;DR, where it was read from,
    # so that the TL;DR section (which runs to the next heading) does not swallow it.
    body_lines = note.body.split("\n") if note.body else []
    first_heading = next(iter(_headings(body_lines)), len(body_lines))
    lines += body_lines[:first_heading]
    if note.summary:
        lines += ["## TL;DR", "", note.summary, ""]
    lines += body_lines[first_heading:]

    ratings = [(label, getattr(note, name)) for name, label in RATING_LABELS.items()]
    ratings = [(label, score) for label, score in ratings if score is not None]
    if ratings:
        if lines[-1]:
            lines.append("")
        lines += ["## Rating", ""]
        lines += [f"- {label}: {RENDERED_STAR * score} ({score}/5)" for label, score in ratings]
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"


def render_index(*, emoji: str, name: str, meta: dict, lines: list[str]) -> str:
    """A venue or area `index.md`: front matter (when any), "# {emoji} {name}", then `lines`."""
    out = ["---", _yaml(meta), "---", ""] if meta else []
    out += [f"# {emoji} {name}".strip() if emoji else f"# {name}", "", *lines]
    return "\n".join(out).rstrip("\n") + "\n"


def _render_front_matter(note):
    meta = [_yaml({"title": f"{TITLE_PREFIX} {_one_line(note.title)}"})]
    if note.published_at is not None:
        # Unquoted, YAML reads it back as a datetime with its offset.
        meta.append(f"date: {note.published_at.isoformat()}")
    if note.topics:
        meta.append(_yaml({"topics": list(note.topics)}))
    return [FRONT_MATTER_FENCE, *meta, FRONT_MATTER_FENCE, ""]


def _render_header(note, *, venue_label, area_name):
    conference = venue_label.strip()
    if note.presentation:
        conference = f"{conference} ({note.presentation.capitalize()})".strip()
    header = [("Conference", conference), ("Authors", _one_line(note.authors))]
    if note.arxiv_id:
        header.append(("arXiv", f"[{note.arxiv_id}]({_arxiv_abs_url(note.arxiv_id)})"))
        if note.paper_url != _arxiv_abs_url(note.arxiv_id):
            # "None" tells the parser the paper has no link, not the arXiv one.
            header.append(("Paper", _render_bare_url(note.paper_url) if note.paper_url else "None"))
    elif note.paper_url:
        header.append(("Paper", _render_bare_url(note.paper_url)))
    header.append(("Code", _render_link("Code", note.code_url) if note.code_url else "None"))
    header += [("Area", _one_line(area_name)), ("Keywords", _one_line(note.keywords))]
    return [f"**{label}**: {value}" for label, value in header if value]


def _render_bare_url(url):
    """A URL on its own, in <…> when a bare URL would be read back differently."""
    match = BARE_URL.fullmatch(url)
    if match and _trim_bare_url(url) == url:
        return url
    if AUTOLINK.fullmatch(f"<{url}>"):
        return f"<{url}>"
    return _render_link("link", url)


def _render_link(text, url):
    if PLAIN_LINK_TARGET.fullmatch(url):
        return f"[{text}]({url})"
    return f"[{text}](<{url}>)"


def _one_line(value):
    return value.replace("\n", " ").strip()


def _yaml(data):
    return yaml.dump(data, Dumper=YAML_DUMPER, allow_unicode=True, sort_keys=False, width=1_000_000).rstrip(
        "\n"
    )
