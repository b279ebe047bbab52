"""import_notes, export_notes and retopic, on fixture trees the project wrote itself."""

import io
import json
import shutil
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from papers import importer
from papers.importer import import_tree
from papers.models import Paper, Topic
from papers.topic_rules import load_rules
from tests.factories import PaperFactory
from venues.models import Area, Venue

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "paper_notes"
DOCS = FIXTURES / "docs"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
# Notes that parse but that the importer must refuse: the file name is not a slug, and
# the same slug already came from another area of the venue (folders are read in order).
IMPORTER_REJECTS = {"BROKEN2025/misc/bad name.md", "BROKEN2025/other_area/dup-slug.md"}
GOOD = {
    path: fields
    for path, fields in EXPECTED.items()
    if "error_contains" not in fields and path not in IMPORTER_REJECTS
}
BAD = {path: fields["error_contains"] for path, fields in EXPECTED.items() if "error_contains" in fields}
CLEAN_VENUES = sorted({path.split("/")[0] for path in GOOD} - {"BROKEN2025"})
WRITES = ("INSERT", "UPDATE", "DELETE")


def run(*args):
    """call_command with captured output; returns (stdout, stderr, CommandError or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def paper_at(relative):
    venue, _, name = relative.split("/")
    return Paper.objects.select_related("venue", "area").get(venue__slug=venue, slug=name.removesuffix(".md"))


def test_every_mapped_field_of_every_good_note():
    report = import_tree(DOCS)

    assert report.created == len(GOOD)
    for relative, expected in GOOD.items():
        paper = paper_at(relative)
        assert paper.area.slug == relative.split("/")[1], relative
        assert paper.status == Paper.Status.PUBLISHED
        for name in ("title", "authors", "arxiv_id", "paper_url", "code_url", "presentation", "keywords"):
            if name in expected:
                assert getattr(paper, name) == expected[name], (relative, name)
        for name in ("rating_novelty", "rating_experiments", "rating_writing", "rating_value"):
            if name in expected:
                assert getattr(paper, name) == expected[name], (relative, name)
        if "summary" in expected:
            assert paper.summary == expected["summary"], relative
        if "summary_startswith" in expected:
            assert paper.summary.startswith(expected["summary_startswith"]), relative
        if expected.get("published_at"):
            assert paper.published_at == datetime.fromisoformat(expected["published_at"]), relative
        for snippet in expected.get("body_contains", []):
            assert snippet in paper.body, (relative, snippet)
        for snippet in expected.get("body_excludes", []):
            assert snippet not in paper.body, (relative, snippet)


def test_each_bad_file_is_reported_with_its_reason_and_skipped():
    report = import_tree(DOCS)
    failures = {str(Path(path).relative_to(DOCS)): reason for path, reason in report.failures}

    for relative, reason in BAD.items():
        assert reason in failures.get(relative, ""), (relative, failures)
    assert "not a plain slug" in failures["BROKEN2025/misc/bad name.md"]
    duplicate = [reason for path, reason in failures.items() if path.endswith("dup-slug.md")]
    assert len(duplicate) == 1
    assert "duplicate slug 'dup-slug' in BROKEN2025" in duplicate[0]
    assert Paper.objects.filter(venue__slug="BROKEN2025", slug="dup-slug").count() == 1
    # The good notes beside the bad ones are all in.
    assert all(paper_at(relative) for relative in GOOD if relative.startswith("BROKEN2025/"))


def test_a_file_over_one_megabyte_is_refused(tmp_path):
    area = tmp_path / "BIG2025" / "misc"
    area.mkdir(parents=True)
    (area / "huge.md").write_text("# Huge\n\n" + "x" * (1024 * 1024), encoding="utf-8")
    (area / "small.md").write_text("# Small\n", encoding="utf-8")

    report = import_tree(tmp_path / "BIG2025")

    assert report.created == 1
    assert [(Path(p).name, r) for p, r in report.failures] == [("huge.md", "larger than 1 MB")]


def test_venues_and_areas_are_created_from_the_index_headings():
    import_tree(DOCS)

    icml = Venue.objects.get(slug="ICML2025")
    assert (icml.name, icml.emoji, icml.series, icml.year) == ("ICML2025", "🧪", "ICML", 2025)
    assert Venue.objects.get(slug="ACL2026").emoji == ""  # no index.md
    pretraining = Area.objects.get(slug="llm_pretraining")
    assert (pretraining.emoji, pretraining.name) == ("📚", "Pretraining")


def test_second_import_of_an_unchanged_tree_writes_nothing():
    first = import_tree(DOCS)

    with CaptureQueriesContext(connection) as queries:
        second = import_tree(DOCS)

    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    assert [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)] == []


def test_a_date_with_a_fraction_of_a_second_is_kept_to_the_second_and_reimports_unchanged(tmp_path):
    tree = tmp_path / "docs"
    source = DOCS / "ACL2026/nlp_understanding/span-level-uncertainty-for-extractive-qa.md"
    text = source.read_text(encoding="utf-8").replace(
        "date: 2026-06-01T08:00:00Z", "date: 2026-06-01T08:00:00.75+00:00"
    )
    write_note(tree / "ACL2026" / "nlp_understanding", source.name, text)

    first = import_tree(tree)
    second = import_tree(tree)

    assert (first.created, second.updated, second.unchanged) == (1, 0, 1)
    assert Paper.objects.get().published_at == datetime(2026, 6, 1, 8, tzinfo=UTC)


def test_a_changed_file_updates_its_paper_and_keeps_what_editors_set(tmp_path):
    tree = tmp_path / "docs"
    shutil.copytree(DOCS / "ICML2025", tree / "ICML2025")
    import_tree(tree)
    relative = next(path for path in GOOD if path.startswith("ICML2025/"))
    paper = paper_at(relative)
    paper.status = Paper.Status.REVIEW  # an editor's decision the file knows nothing of
    paper.save()
    paper.topics.add("Hand Picked")
    note = tree.parent / "docs" / relative
    note.write_text(
        note.read_text(encoding="utf-8").replace(paper.title, "A Renamed Title", 1), encoding="utf-8"
    )

    report = import_tree(tree)

    assert (report.updated, report.created) == (1, 0)
    paper.refresh_from_db()
    assert paper.title == "A Renamed Title"
    assert paper.title_sort == "a renamed title"
    assert paper.status == Paper.Status.REVIEW
    assert [t.name for t in paper.topics.all()] == ["Hand Picked"]


def test_dry_run_writes_nothing_and_reports_the_same():
    out, _, error = run("import_notes", str(DOCS), "--dry-run")

    assert Paper.objects.count() == Venue.objects.count() == Area.objects.count() == 0
    assert f"would create {len(GOOD):,}, update 0, unchanged 0, failed {len(BAD) + 2}" in out
    assert "Would create venue ICML2025" in out
    assert error is not None and error.returncode == 1


def test_report_exit_status_and_plain_progress():
    out, err, error = run("import_notes", str(DOCS))

    assert error.returncode == 1
    assert f"Created {len(GOOD):,}, updated 0, unchanged 0, failed {len(BAD) + 2}" in out
    assert err.count("FAILED ") == len(BAD) + 2
    assert "bad name.md: the file name" in err
    total = sum(1 for path in DOCS.glob("*/*/*.md") if path.name != "index.md")
    assert f"Read {total:,} of {total:,} files" in out

    out, err, error = run("import_notes", str(DOCS), "--venue", *CLEAN_VENUES)
    assert error is None
    assert "failed 0" in out


def test_one_venue_folder_or_one_area_folder():
    report = import_tree(DOCS / "ICML2025")
    assert set(Paper.objects.values_list("venue__slug", flat=True)) == {"ICML2025"}
    assert report.created == sum(1 for path in GOOD if path.startswith("ICML2025/"))

    area = next(path for path in GOOD if path.startswith("CVPR2026/")).split("/")[1]
    report = import_tree(DOCS / "CVPR2026" / area)
    assert report.created == sum(1 for path in GOOD if path.startswith(f"CVPR2026/{area}/"))


def test_a_path_that_is_not_a_folder_is_a_clear_error(tmp_path):
    _, _, error = run("import_notes", str(tmp_path / "missing"))

    assert "is not a folder" in str(error)


RULES_YAML = """
Pretraining: ['pre-?train']
"Alignment/RLHF": [RLHF, 'preference']
"""
RULES_TOML = """
Pretraining = ['pre-?train']
"Alignment/RLHF" = ["RLHF", "preference"]
"""


@pytest.mark.parametrize(("suffix", "text"), [(".yaml", RULES_YAML), (".toml", RULES_TOML)])
def test_topic_rules_on_import_and_retopic(tmp_path, suffix, text):
    rules = tmp_path / f"rules{suffix}"
    rules.write_text(text, encoding="utf-8")
    llm = PaperFactory(title="Small pretraining runs", slug="llm", keywords="")
    PaperFactory(title="Bees", slug="bees", summary="Preference of bees.", topics=["Insects"])

    out, _, error = run("retopic", "--rules", str(rules))

    assert error is None
    assert "Topics changed on 2 of 2 papers." in out
    bees = Paper.objects.get(slug="bees")
    assert sorted(t.name for t in bees.topics.all()) == ["Alignment/RLHF", "Insects"]
    llm.title = "Bees again"
    llm.save()
    run("retopic", "--rules", str(rules))
    assert list(Paper.objects.get(slug="llm").topics.all()) == []

    loaded = load_rules(rules)
    import_tree(DOCS, venues=CLEAN_VENUES, rules=loaded)
    imported = Paper.objects.exclude(slug__in=["llm", "bees"]).prefetch_related("topics")
    with_pretraining = 0
    for paper in imported:
        expected = set(loaded.matches(paper.title, paper.keywords, paper.summary))
        assert {t.name for t in paper.topics.all()} & loaded.topic_names == expected, paper.title
        with_pretraining += "Pretraining" in expected
    assert with_pretraining > 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("LLM: ['(unclosed']", "not a valid regular expression"), ("- a list", "expected a mapping"), (":", "")],
)
def test_bad_rules_are_a_clear_error(tmp_path, text, message):
    rules = tmp_path / "rules.yaml"
    rules.write_text(text, encoding="utf-8")

    _, _, error = run("retopic", "--rules", str(rules))

    assert isinstance(error, CommandError)
    assert message in str(error)


def test_default_rules_ship_with_the_project():
    out, _, error = run("retopic", "--dry-run")

    assert error is None
    assert "Topics would change on 0 of 0 papers." in out


FIELDS = [
    "title", "title_sort", "authors", "arxiv_id", "paper_url", "code_url", "presentation", "keywords",
    "summary", "body", "rating_novelty", "rating_experiments", "rating_writing", "rating_value", "status",
    "published_at",
]  # fmt: skip


def snapshot():
    venues = {
        v.slug: (v.name, v.emoji, v.series, v.year, v.full_name, v.url, v.position)
        for v in Venue.objects.all()
    }
    published = Paper.objects.filter(status=Paper.Status.PUBLISHED)  # scheduled ones too
    areas = {
        a.slug: (a.name, a.emoji, a.description, a.position)
        for a in Area.objects.filter(papers__in=published).distinct()
    }
    papers = {
        (p.venue.slug, p.slug): (
            p.area.slug,
            *(getattr(p, name) for name in FIELDS),
            sorted(t.name for t in p.topics.all()),
        )
        for p in published.select_related("venue", "area").prefetch_related("topics")
    }
    topics = sorted(
        Topic.objects.filter(tagged_papers__content_object__in=published)
        .distinct()
        .values_list("name", "slug")
    )
    return venues, areas, papers, topics


def test_export_then_import_gives_the_same_site_field_for_field(tmp_path):
    call_command("load_demo", "--papers", "80", "--seed", "3", stdout=io.StringIO())
    # A display name that differs from the slug, and an unrated note with no topics.
    Venue.objects.filter(slug="ICML2025").update(name="ICML 2025")
    PaperFactory(venue=Venue.objects.get(slug="ICML2025"), slug="bare", summary="", body="Just text.")
    before = snapshot()
    scheduled = Paper.objects.filter(status="published").exclude(pk__in=Paper.objects.published()).count()
    assert scheduled > 0

    _, _, error = run("export_notes", str(tmp_path / "docs"))
    assert error is None, error
    Paper.objects.all().delete()
    Topic.objects.all().delete()
    Venue.objects.all().delete()
    Area.objects.all().delete()
    report = import_tree(tmp_path / "docs")

    assert report.failures == []
    assert report.created == len(before[2]) == 81 + scheduled
    assert snapshot() == before


def test_export_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "keep.txt").write_text("mine", encoding="utf-8")

    _, _, error = run("export_notes", str(tmp_path))

    assert "is not empty" in str(error)
    assert (tmp_path / "keep.txt").read_text(encoding="utf-8") == "mine"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_on_a_terminal():
    out = Terminal()

    call_command("import_notes", str(DOCS / "ICML2025"), stdout=out, stderr=io.StringIO())

    assert "\r[" + "#" * 30 + "]" in out.getvalue()
    assert "Read " not in out.getvalue()


def write_note(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode("utf-8"))


def test_notes_the_database_could_not_hold_are_handled(tmp_path):
    area = tmp_path / "ODD2025" / "misc"
    write_note(area, "nul.md", "# A title with a NUL\x00 inside\n\n## TL;DR\n\nText\x00 here.\n")
    write_note(area, "long.md", "# " + "T" * 501 + "\n")
    write_note(tmp_path / "ODD2025" / "bad area", "fine.md", "# Fine\n")

    report = import_tree(tmp_path / "ODD2025")

    paper = Paper.objects.get(slug="nul")
    assert (paper.title, paper.summary) == ("A title with a NUL inside", "Text here.")
    reasons = {Path(path).name: reason for path, reason in report.failures}
    assert reasons["long.md"] == "the title is longer than 500 characters"
    assert "the area folder 'bad area' is not a valid slug" in reasons["fine.md"]


def test_a_note_the_database_refuses_is_reported_and_the_rest_go_in(tmp_path, monkeypatch):
    area = tmp_path / "ODD2025" / "misc"
    for name in ("one", "poison", "two"):
        write_note(area, f"{name}.md", f"# {name.title()}\n")
    original = Paper.objects.bulk_create

    def refuse_poison(papers, *args, **kwargs):
        if any(paper.title == "Poison" for paper in papers):
            raise IntegrityError("refused for the test")
        return original(papers, *args, **kwargs)

    monkeypatch.setattr(Paper.objects, "bulk_create", refuse_poison)

    report = import_tree(tmp_path / "ODD2025")

    assert report.created == 2
    assert [(Path(p).name, r) for p, r in report.failures] == [
        ("poison.md", "the database refused it: refused for the test")
    ]
    assert sorted(Paper.objects.values_list("slug", flat=True)) == ["one", "two"]


def test_links_that_are_not_web_addresses_are_left_out_with_a_warning(tmp_path):
    area = tmp_path / "ODD2025" / "misc"
    write_note(
        area,
        "links.md",
        "# Links\n\n**arXiv**: [x](javascript:alert(1))\n"
        "**Code**: [GitHub](javascript:alert(document.cookie))\n",
    )

    out, err, error = run("import_notes", str(tmp_path / "ODD2025"))

    assert error is None
    paper = Paper.objects.get(slug="links")
    assert (paper.paper_url, paper.code_url) == ("", "")
    assert "WARNING" in err and "is not an http(s) address; left empty" in err
    assert "Created 1," in out


def test_topics_made_in_a_refused_batch_are_made_again(tmp_path, monkeypatch):
    area = tmp_path / "ODD2025" / "misc"
    for name in ("one", "poison", "two"):
        write_note(area, f"{name}.md", f"---\ntopics: [Fresh Topic]\n---\n# {name.title()}\n")
    original = importer.set_paper_topics

    def refuse_poison_after_topics(names_by_paper, topics):
        original(names_by_paper, topics)  # creates "Fresh Topic" inside the transaction
        if any(paper.title == "Poison" for paper in names_by_paper):
            raise IntegrityError("refused for the test")

    monkeypatch.setattr(importer, "set_paper_topics", refuse_poison_after_topics)

    report = import_tree(tmp_path / "ODD2025")

    assert report.created == 2
    assert [Path(p).name for p, _ in report.failures] == ["poison.md"]
    assert sorted(Paper.objects.filter(topics__name="Fresh Topic").values_list("slug", flat=True)) == [
        "one",
        "two",
    ]


def test_a_folder_of_only_bad_files_creates_nothing(tmp_path):
    write_note(tmp_path / "BAD2025" / "misc", "empty.md", "")

    report = import_tree(tmp_path / "BAD2025")

    assert report.failed == 1
    assert (report.venues_created, report.areas_created) == ([], [])
    assert not Venue.objects.exists() and not Area.objects.exists()


def test_decomposed_file_names_are_stored_composed(tmp_path):
    decomposed = unicodedata.normalize("NFD", "möbius-φ-net")
    write_note(tmp_path / "NFD2025" / "misc", f"{decomposed}.md", "# Möbius\n")

    report = import_tree(tmp_path / "NFD2025")

    assert report.failures == []
    assert Paper.objects.get().slug == "möbius-φ-net"


def test_over_long_topic_names_are_left_out_with_a_warning(tmp_path):
    write_note(tmp_path / "T2025" / "misc", "t.md", f"---\ntopics: [Short, {'x' * 101}]\n---\n# T\n")

    report = import_tree(tmp_path / "T2025")

    assert [t.name for t in Paper.objects.get().topics.all()] == ["Short"]
    assert "topic names longer than 100 characters left out" in report.warnings[0][1]
