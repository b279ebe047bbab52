"""The static site's note format: reading every variation real trees hold, and writing back.

No database: papers.notes_format is pure. The fixture tree (tests/fixtures/paper_notes)
is invented text; expected.json says what each of its notes must read as.
"""

# The notes are in Chinese as often as in English: full-width punctuation is meant.
# ruff: noqa: RUF001

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from papers.notes_format import Note, NoteError, parse_index, parse_note, render_index, render_note

FIXTURES = Path(__file__).parent / "fixtures" / "paper_notes"
DOCS = FIXTURES / "docs"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
NOTE_FIELDS = (
    "title",
    "authors",
    "arxiv_id",
    "paper_url",
    "code_url",
    "presentation",
    "keywords",
    "summary",
    "rating_novelty",
    "rating_experiments",
    "rating_writing",
    "rating_value",
    "topics",
)
NON_NOTES = {"index.md", "TODO.md"}


def read(path):
    """A file's text as the importer reads it: bytes decoded, never newline-translated."""
    return path.read_bytes().decode("utf-8")


def note_text(**header):
    """A small note: H1, the given `**Label**: value` lines, a TL;DR and a Method section."""
    lines = ["# A Title", ""]
    lines += [f"**{label}**: {value}" for label, value in header.items()]
    lines += ["", "## TL;DR", "", "The summary.", "", "## Method", "", "How it works."]
    return "\n".join(lines) + "\n"


def with_rating(rating_section, heading="## Rating"):
    return f"# T\n\n## Method\n\nText.\n\n{heading}\n\n{rating_section}\n"


def ratings_of(note):
    return (note.rating_novelty, note.rating_experiments, note.rating_writing, note.rating_value)


# The fixture tree --------------------------------------------------------------------------


def test_expected_json_covers_every_note_file():
    note_files = {
        path.relative_to(DOCS).as_posix()
        for path in DOCS.glob("*/*/*.md")  # venue/area/note.md
        if path.name not in NON_NOTES
    }
    assert note_files == set(EXPECTED)


@pytest.mark.parametrize("relative_path", sorted(EXPECTED))
def test_fixture_note(relative_path):
    expected = EXPECTED[relative_path]
    if expected.get("error_contains") == "UTF-8":
        with pytest.raises(UnicodeDecodeError):
            read(DOCS / relative_path)
        return
    text = read(DOCS / relative_path)
    if "error_contains" in expected:
        with pytest.raises(NoteError, match=expected["error_contains"]):
            parse_note(text)
        return

    note = parse_note(text)
    for name in NOTE_FIELDS:
        assert getattr(note, name) == expected[name], name
    if expected["published_at"] is None:
        assert note.published_at is None
    else:
        assert note.published_at == datetime.fromisoformat(expected["published_at"])
        assert note.published_at.tzinfo is not None
    for snippet in expected["body_contains"]:
        assert snippet in note.body
    for snippet in expected["body_excludes"]:
        assert snippet not in note.body
    assert note.body == note.body.strip("\n")


@pytest.mark.parametrize("relative_path", sorted(p for p, e in EXPECTED.items() if "error_contains" not in e))
def test_fixture_note_survives_a_render_and_a_second_read(relative_path):
    note = parse_note(read(DOCS / relative_path))
    rendered = render_note(note, venue_label="ICML 2025", area_name="Pretraining")
    assert parse_note(rendered) == note


@pytest.mark.parametrize(
    ("name", "reason"),
    [("empty.md", "empty file"), ("blank.md", "empty file"), ("no_title.md", "no title")],
)
def test_broken_files_are_refused(name, reason):
    with pytest.raises(NoteError, match=reason):
        parse_note(read(FIXTURES / "broken" / name))


def test_broken_latin1_file_is_not_utf8():
    with pytest.raises(UnicodeDecodeError):
        read(FIXTURES / "broken" / "latin1.md")


@pytest.mark.parametrize(
    ("relative_path", "emoji", "name"),
    [
        ("ICML2025/index.md", "🧪", "ICML2025 Paper Notes"),
        ("ICML2025/llm_pretraining/index.md", "📚", "Pretraining"),
        ("ICML2025/multimodal_vlm/index.md", "🖼️", "Multimodal VLM"),
        ("ICML2025/nlp_understanding/index.md", "🗣️", "自然语言理解"),
        ("CVPR2026/index.md", "👁️", "CVPR2026 Paper Notes"),
        ("CVPR2026/multimodal_vlm/index.md", "🖼️", "多模态视觉语言模型"),
        ("ACL2026/nlp_understanding/index.md", "💬", "NLP Understanding"),
        ("BROKEN2025/misc/index.md", "🧰", "Misc"),
    ],
)
def test_fixture_index_pages(relative_path, emoji, name):
    page = parse_index(read(DOCS / relative_path))
    assert (page.emoji, page.name) == (emoji, name)


def test_fixture_index_front_matter():
    assert parse_index(read(DOCS / "CVPR2026/index.md")).meta == {"hide": ["navigation"]}
    assert parse_index(read(DOCS / "ICML2025/index.md")).meta == {}


# Empty files and titles --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\ufeff", "\ufeff \t\r\n"])
def test_empty_or_blank_text_is_an_empty_file(text):
    with pytest.raises(NoteError, match=r"^empty file$"):
        parse_note(text)


def test_no_title_anywhere():
    with pytest.raises(NoteError) as error:
        parse_note("**Conference**: ICML 2025\n\n## TL;DR\n\nText.\n")
    assert str(error.value) == "no title (no '# ' heading)"


def test_title_from_the_h1_wins_over_the_front_matter():
    note = parse_note('---\ntitle: "[Paper Note] Old Title"\n---\n\n# New Title\n')
    assert note.title == "New Title"


def test_front_matter_title_when_there_is_no_h1():
    note = parse_note('---\ntitle: "[Paper Note] From YAML"\n---\n\n**Code**: None\n\nText.\n')
    assert note.title == "From YAML"
    assert note.body == "Text."


def test_junk_before_the_h1_is_dropped():
    note = parse_note("sync\n<!-- stub -->\n\n# Real Title\n\n**Code**: None\n\nBody.\n")
    assert note.title == "Real Title"
    assert note.body == "Body."


def test_a_bom_is_ignored():
    assert parse_note("\ufeff# Title\n").title == "Title"


def test_a_comment_in_a_code_block_is_not_a_title():
    text = '---\ntitle: "[Paper Note] Fenced"\n---\n\n```python\n# not a title\n```\n'
    note = parse_note(text)
    assert note.title == "Fenced"
    assert "# not a title" in note.body


# Front matter ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_line", "expected"),
    [
        ("date: 2026-05-08", datetime(2026, 5, 8, tzinfo=UTC)),
        ("date: 2026-05-08 10:30:00", datetime(2026, 5, 8, 10, 30, tzinfo=UTC)),
        ("date: 2026-05-08T10:30:00+08:00", datetime(2026, 5, 8, 2, 30, tzinfo=UTC)),
        ('date: "2026-05-08T10:30:00Z"', datetime(2026, 5, 8, 10, 30, tzinfo=UTC)),
        ("date: not a date", None),
        ("date: 2026", None),
    ],
)
def test_front_matter_date(date_line, expected):
    note = parse_note(f"---\n{date_line}\n---\n# T\n")
    assert note.published_at == expected
    assert note.published_at is None or note.published_at.tzinfo is not None


@pytest.mark.parametrize(
    "front_matter",
    [
        "title: [Paper Note] broken: yes\ndate: 2026-01-01",
        "tags: [unclosed\ndate: 2026-01-01",
        "date: 2026-13-45",
        "- a list\n- not a mapping",
        "\t: tab",
    ],
)
def test_malformed_front_matter_is_ignored(front_matter):
    note = parse_note(f"---\n{front_matter}\n---\n\n# Title\n\n**Code**: None\n\nBody.\n")
    assert (note.title, note.body, note.published_at, note.topics) == ("Title", "Body.", None, [])


def test_front_matter_topics_in_order():
    note = parse_note("---\ntopics:\n  - LLM\n  - Alignment/RLHF\n  - ''\n---\n# T\n")
    assert note.topics == ["LLM", "Alignment/RLHF"]


def test_horizontal_rules_around_the_title_are_not_front_matter():
    note = parse_note("---\n# Title\n**Code**: None\n---\nBody.\n")
    assert note.title == "Title"
    assert note.body == "---\nBody."


def test_front_matter_that_never_closes_is_junk_before_the_title():
    note = parse_note("---\ntitle: x\n\n# Title\n\nBody.\n")
    assert (note.title, note.body) == ("Title", "Body.")


# Header lines ------------------------------------------------------------------------------


def test_english_header():
    note = parse_note(
        note_text(
            Conference="ICML 2025 (Oral)",
            Authors="A. Author, B. Author",
            arXiv="[2501.01234](https://arxiv.org/abs/2501.01234)",
            Code="[GitHub](https://github.com/example/x)",
            Area="Pretraining / Pruning",
            Keywords="pruning, lottery ticket",
        )
    )
    assert note.authors == "A. Author, B. Author"
    assert (note.arxiv_id, note.paper_url) == ("2501.01234", "https://arxiv.org/abs/2501.01234")
    assert note.code_url == "https://github.com/example/x"
    assert note.presentation == "oral"
    assert note.keywords == "pruning, lottery ticket"
    assert note.summary == "The summary."
    assert note.body == "## Method\n\nHow it works."


def test_chinese_header_with_full_width_colons():
    text = (
        "# 标题\n\n**会议**：CVPR 2025 Highlight\n**作者**：张三、李四\n"
        "**arXiv**：[2502.00001](https://arxiv.org/abs/2502.00001)\n**代码**：无\n"
        "**领域**：多模态\n**关键词**：视觉、语言，对齐\n\n## 一句话总结\n\n总结。\n"
    )
    note = parse_note(text)
    assert (note.title, note.authors, note.arxiv_id) == ("标题", "张三、李四", "2502.00001")
    assert (note.code_url, note.presentation) == ("", "highlight")
    assert note.keywords == "视觉, 语言, 对齐"
    assert note.summary == "总结。"
    assert note.body == ""


def test_trailing_spaces_and_line_breaks_are_not_part_of_values():
    note = parse_note("# T\n**Authors**: A. Author  \n**Keywords**: a, b<br>\n")
    assert (note.authors, note.keywords) == ("A. Author", "a, b")


def test_colon_inside_the_bold_and_bulleted_labels():
    note = parse_note("# T\n\n- **Authors:** A. Author\n- **Code:** https://github.com/example/x\n")
    assert (note.authors, note.code_url) == ("A. Author", "https://github.com/example/x")


def test_label_glued_to_text():
    note = parse_note("# T\n\n**Authors**: A\nsync**Keywords**: a, b\n\n## Method\n")
    assert note.keywords == "a, b"
    assert "sync" not in note.body


def test_all_labels_on_one_line():
    line = (
        "**Conference**: ICML 2025 (Spotlight) / **Authors**: A / **arXiv**: 2501.00002 / "
        "**Code**: None / **Area**: Pretraining / Pruning / **Keywords**: a, b"
    )
    note = parse_note(f"# T\n\n{line}\n\n## Method\n")
    assert (note.presentation, note.authors, note.arxiv_id) == ("spotlight", "A", "2501.00002")
    assert (note.code_url, note.keywords, note.body) == ("", "a, b", "## Method")


def test_one_line_header_keeps_its_unknown_labels():
    note = parse_note("# T\n\n**Authors**: A / **机构**: 某大学\n")
    assert note.authors == "A"
    assert note.body == "**机构**: 某大学"


def test_header_as_a_table_down():
    text = (
        "# T\n\n| Field | Value |\n|---|---|\n| **Conference** | CVPR 2026 (Poster) |\n"
        "| **arXiv** | [2601.00003](https://arxiv.org/abs/2601.00003) |\n| **Affiliation** | Uni |\n\n"
        "## Method\n"
    )
    note = parse_note(text)
    assert (note.presentation, note.arxiv_id) == ("poster", "2601.00003")
    assert note.body == "**Affiliation**: Uni\n\n## Method"


def test_header_as_a_table_across():
    text = "# T\n\n| Conference | Code |\n|---|---|\n| ICML 2025 Oral | [c](https://github.com/e/x) |\n"
    note = parse_note(text)
    assert (note.presentation, note.code_url, note.body) == ("oral", "https://github.com/e/x", "")


def test_a_table_that_is_not_a_header_stays_in_the_body():
    note = parse_note("# T\n\n**Code**: None\n\n| Model | Acc |\n|---|---|\n| A | 1 |\n")
    assert note.body == "| Model | Acc |\n|---|---|\n| A | 1 |"


def test_unknown_header_lines_stay_at_the_start_of_the_body():
    note = parse_note(note_text(Authors="A", 机构="某大学", Affiliation="Some Lab", Code="None"))
    assert note.authors == "A"
    assert note.body == "**机构**: 某大学\n**Affiliation**: Some Lab\n\n## Method\n\nHow it works."


def test_a_label_line_after_the_first_section_is_body():
    note = parse_note("# T\n\n**Keywords**: a\n\n## Method\n\n**Keywords**: b\n")
    assert note.keywords == "a"
    assert note.body == "## Method\n\n**Keywords**: b"


def test_first_value_of_a_repeated_label_wins():
    note = parse_note(
        "# T\n**Code**: 无\n**Code**: [GitHub](https://github.com/e/x)\n**Authors**: A\n**Authors**: B\n"
    )
    assert (note.code_url, note.authors) == ("https://github.com/e/x", "A")


@pytest.mark.parametrize(
    ("conference", "presentation"),
    [
        ("ICML 2025 (Oral)", "oral"),
        ("CVPR 2025 Highlight", "highlight"),
        ("AAAI 2026 Oral", "oral"),
        ("NEURIPS2025 spotlight", "spotlight"),
        ("ICLR2026 (POSTER)", "poster"),
        ("ICML 2025 Spotlight Poster", "spotlight"),
        ("ACL 2026 (Long Paper)", ""),
        ("EMNLP 2025 Findings", ""),
        ("ICML 2025 Workshop", ""),
        ("CVPR 2025 (Best Paper)", ""),
        ("投稿中", ""),
        ("ICLR2026", ""),
        ("Orals and Posterior Sampling 2025", ""),
    ],
)
def test_presentation_from_the_conference(conference, presentation):
    assert parse_note(note_text(Conference=conference)).presentation == presentation


@pytest.mark.parametrize(
    ("arxiv", "arxiv_id", "paper_url"),
    [
        (
            "[2501.01234](https://arxiv.org/abs/2501.01234v2)",
            "2501.01234",
            "https://arxiv.org/abs/2501.01234",
        ),
        ("https://arxiv.org/pdf/2501.01234v1.pdf", "2501.01234", "https://arxiv.org/abs/2501.01234"),
        ("http://arxiv.org/abs/2501.1234", "2501.1234", "https://arxiv.org/abs/2501.1234"),
        ("2501.01234", "2501.01234", "https://arxiv.org/abs/2501.01234"),
        ("arXiv:2501.01234v3", "2501.01234", "https://arxiv.org/abs/2501.01234"),
        ("<https://arxiv.org/abs/2501.01234>", "2501.01234", "https://arxiv.org/abs/2501.01234"),
        ("[hep-th/9901001](https://arxiv.org/abs/hep-th/9901001)", "hep-th/9901001", ""),
        (
            "[OpenReview](https://openreview.net/forum?id=AbC123)",
            "",
            "https://openreview.net/forum?id=AbC123",
        ),
        ("https://openreview.net/forum?id=2501.01234", "", "https://openreview.net/forum?id=2501.01234"),
        ("N/A", "", ""),
        ("待补充", "", ""),
    ],
)
def test_arxiv_line(arxiv, arxiv_id, paper_url):
    note = parse_note(note_text(arXiv=arxiv))
    paper_url = paper_url or (f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else "")
    assert (note.arxiv_id, note.paper_url) == (arxiv_id, paper_url)
    assert "arXiv" not in note.body


@pytest.mark.parametrize("label", ["OpenReview", "CVF", "Paper", "论文"])
def test_paper_link_when_there_is_no_arxiv_link(label):
    note = parse_note(note_text(**{label: "[link](https://example.org/paper)"}))
    assert (note.arxiv_id, note.paper_url) == ("", "https://example.org/paper")
    assert label not in note.body


def test_openreview_and_cvf_lines_stay_in_the_body_next_to_an_arxiv_link():
    note = parse_note(note_text(arXiv="2501.00004", OpenReview="https://openreview.net/forum?id=x"))
    assert note.paper_url == "https://arxiv.org/abs/2501.00004"
    assert note.body.startswith("**OpenReview**: https://openreview.net/forum?id=x\n")


def test_the_paper_label_wins_over_the_arxiv_link():
    # The exporter writes **Paper** only when the paper link is not the arXiv one.
    note = parse_note(note_text(arXiv="2501.00004", Paper="https://example.org/p.pdf"))
    assert (note.arxiv_id, note.paper_url) == ("2501.00004", "https://example.org/p.pdf")
    note = parse_note(note_text(arXiv="2501.00004", Paper="None"))
    assert (note.arxiv_id, note.paper_url) == ("2501.00004", "")


@pytest.mark.parametrize(
    ("code", "code_url"),
    [
        ("[GitHub](https://github.com/e/x)", "https://github.com/e/x"),
        ("[Code](<https://example.org/a b>)", "https://example.org/a b"),
        ("https://github.com/e/x.", "https://github.com/e/x"),
        ("https://github.com/e/x (official)", "https://github.com/e/x"),
        ("https://en.example.org/wiki/X_(y)", "https://en.example.org/wiki/X_(y)"),
        ("[GitHub](https://github.com/e/x) | [Project](https://e.org)", "https://github.com/e/x"),
        ("None", ""),
        ("无", ""),
        ("N/A", ""),
        ("待确认", ""),
        ("未提及", ""),
        ("有", ""),
        ("[Code](#)", ""),
        ("github.com/e/x", ""),
    ],
)
def test_code_link(code, code_url):
    assert parse_note(note_text(Code=code)).code_url == code_url


# Sections ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "TL;DR",
        "TLDR",
        "TL; DR",
        "tl;dr",
        "一句话总结",
        "Summary",
        "📌 TL;DR",
        "TL;DR（一句话总结）",
        "**TL;DR**",
    ],
)
def test_tldr_heading_variants(heading):
    note = parse_note(f"# T\n\n## {heading}\n\nThe gist.\n\n## Method\n\nText.\n")
    assert note.summary == "The gist."
    assert note.body == "## Method\n\nText."


def test_a_section_that_only_starts_like_summary_is_body():
    note = parse_note("# T\n\n## TL;DR\n\nGist.\n\n## Summary of Results\n\nTable.\n")
    assert note.summary == "Gist."
    assert note.body == "## Summary of Results\n\nTable."


def test_tldr_twice_keeps_the_first_and_drops_the_repeat():
    text = "# T\n\n## TL;DR\n\nFirst.\n\n## Method\n\nM.\n\n## TL;DR\n\nPasted again.\n\n## End\n"
    note = parse_note(text)
    assert note.summary == "First."
    assert note.body == "## Method\n\nM.\n\n## End"


def test_a_later_summary_section_with_other_text_is_kept():
    note = parse_note("# T\n\n## TL;DR\n\nFirst.\n\n## Summary\n\nA conclusion.\n")
    assert note.summary == "First."
    assert note.body == "## Summary\n\nA conclusion."


def test_a_later_tldr_with_other_text_is_a_repeat_too():
    note = parse_note("# T\n\n## Summary\n\nFirst.\n\n## 一句话总结\n\nEdited copy.\n\n## Method\n")
    assert (note.summary, note.body) == ("First.", "## Method")


def test_an_empty_tldr_gives_way_to_a_later_one():
    assert parse_note("# T\n\n## TL;DR\n\n## TL;DR\n\nSecond.\n").summary == "Second."


def test_a_subsection_ends_the_tldr():
    note = parse_note("# T\n\n## TL;DR\n\nGist.\n\n### Details\n\nMore.\n")
    assert (note.summary, note.body) == ("Gist.", "### Details\n\nMore.")


def test_text_before_the_first_section_is_body():
    note = parse_note("# T\n\n**Code**: None\n\nAn intro paragraph.\n\n## TL;DR\n\nGist.\n")
    assert (note.summary, note.body) == ("Gist.", "An intro paragraph.")


@pytest.mark.parametrize(
    "tail",
    [
        "<!-- RELATED:START -->\n## Related Papers\n\n- [x](y.md)\n<!-- RELATED:END -->\n",
        "<!-- RELATED:START -->\n## Related Papers\n\n- [x](y.md)\n",  # never closed: to the end
        "<!--RELATED:START-->\n- [x](y.md)\n<!--RELATED:END-->\n",
    ],
)
def test_related_block_is_dropped(tail):
    note = parse_note(f"# T\n\n## Method\n\nText.\n\n{tail}")
    assert note.body == "## Method\n\nText."


def test_text_after_a_closed_related_block_is_kept():
    note = parse_note("# T\n\nA.\n<!-- RELATED:START -->\nx\n<!-- RELATED:END -->\nB.\n")
    assert note.body == "A.\nB."


def test_headings_inside_code_blocks_are_not_sections():
    text = "# T\n\n## Method\n\n```python\n## Rating\n# TL;DR\n```\n\n## Rating\n\n- Novelty: ⭐⭐ (2/5)\n"
    note = parse_note(text)
    assert note.body == "## Method\n\n```python\n## Rating\n# TL;DR\n```"
    assert note.rating_novelty == 2


def test_an_unclosed_fence_does_not_hide_the_rest_of_the_note():
    note = parse_note("# T\n\n## Method\n\n```\nstray fence\n\n## Rating\n\n- Value: ⭐⭐⭐ (3/5)\n")
    assert note.rating_value == 3
    assert "## Rating" not in note.body


# Ratings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        (
            "- Novelty: ⭐⭐⭐⭐ reason\n- Experimental Thoroughness: ⭐⭐⭐\n"
            "- Writing Quality: ⭐⭐⭐⭐⭐\n- Value: ⭐⭐",
            (4, 3, 5, 2),
        ),
        ("- Novelty: ★★★☆☆\n- Experiments: ★★★★★\n- Writing: ★☆☆☆☆\n- Value: ★★★★☆", (3, 5, 1, 4)),
        ("- Novelty: 4/5\n- Experiments: 3 / 5\n- Writing: 5/5 clear\n- Value: 1/5", (4, 3, 5, 1)),
        ("- Novelty: 8/10\n- Experiments: 7/10\n- Writing: 1/10\n- Value: 10/10", (4, 4, 1, 5)),
        ("- Novelty: 4.5/5\n- Experiments: 3.5/5\n- Writing: 2.4/5\n- Value: 0/5", (5, 4, 2, 1)),
        ("- Novelty: ⭐⭐⭐⭐ (4/5)\n- Value: ⭐⭐⭐⭐⭐⭐⭐", (4, None, None, 5)),
        ("- Novelty: ★★★★★★★☆☆☆", (4, None, None, None)),
        ("- Novelty: 4\n- Value: 3分", (4, None, None, 3)),
        (
            "- 创新性：⭐⭐⭐⭐\n- 实验充分性：⭐⭐\n- 写作质量：⭐⭐⭐\n- 对我的价值：⭐⭐⭐⭐⭐",
            (4, 2, 3, 5),
        ),
        ("- 新颖性: ⭐⭐\n- 实验完整度: ⭐⭐⭐\n- 价值: ⭐", (2, 3, None, 1)),
        ("- **Novelty**: ⭐⭐\n**Value:** ⭐⭐⭐", (2, None, None, 3)),
        ("1. Novelty — ⭐⭐⭐\n2. Experiments ⭐⭐⭐⭐", (3, 4, None, None)),
        ("- Novelty (创新性): ⭐⭐⭐\n- Novelty / 创新性: ⭐", (3, None, None, None)),
        (
            "- Technical Depth: ⭐⭐⭐⭐⭐\n- 技术深度: ⭐\n- 实用价值: ⭐\n"
            "- Overall: ⭐⭐⭐⭐\n- Value: ⭐⭐",
            (None, None, None, 2),
        ),
        (
            "| 维度 | 评分 | 说明 |\n|---|---|---|\n| 创新性 | ⭐⭐⭐⭐ | 好 |\n| 写作质量 | 3/5 | |",
            (4, None, 3, None),
        ),
        ("| Novelty | Writing Quality |\n|---|---|\n| ⭐⭐ | ⭐⭐⭐⭐ |", (2, None, 4, None)),
        ("Overall a solid paper.", (None, None, None, None)),
    ],
)
def test_rating_forms(section, expected):
    note = parse_note(with_rating(section))
    assert ratings_of(note) == expected
    if section in SCORES_ONLY:
        # Nothing but scores: the four ratings hold all of it.
        assert note.body == "## Method\n\nText."
    else:
        # Reasons, other dimensions, tables or prose: the section stays, renamed.
        assert note.body == f"## Method\n\nText.\n\n## Rating details\n\n{section}"


SCORES_ONLY = {
    "- Novelty: ★★★☆☆\n- Experiments: ★★★★★\n- Writing: ★☆☆☆☆\n- Value: ★★★★☆",
    "- Novelty: 8/10\n- Experiments: 7/10\n- Writing: 1/10\n- Value: 10/10",
    "- Novelty: 4.5/5\n- Experiments: 3.5/5\n- Writing: 2.4/5\n- Value: 0/5",
    "- Novelty: ⭐⭐⭐⭐ (4/5)\n- Value: ⭐⭐⭐⭐⭐⭐⭐",
    "- Novelty: ★★★★★★★☆☆☆",
    "- Novelty: 4\n- Value: 3分",
    "- 创新性：⭐⭐⭐⭐\n- 实验充分性：⭐⭐\n- 写作质量：⭐⭐⭐\n- 对我的价值：⭐⭐⭐⭐⭐",
    "- 新颖性: ⭐⭐\n- 实验完整度: ⭐⭐⭐\n- 价值: ⭐",
    "1. Novelty — ⭐⭐⭐\n2. Experiments ⭐⭐⭐⭐",
}


@pytest.mark.parametrize(
    ("heading", "kept_heading"),
    [
        ("## 评分 ⭐⭐⭐⭐ (4/5)", "## 评分说明 ⭐⭐⭐⭐ (4/5)"),
        ("## Rating: 8/10", "## Rating details: 8/10"),
    ],
)
def test_an_overall_score_in_the_heading_gives_no_rating_but_is_kept(heading, kept_heading):
    note = parse_note(with_rating("总体不错。", heading=heading))
    assert ratings_of(note) == (None, None, None, None)
    assert note.body == f"## Method\n\nText.\n\n{kept_heading}\n\n总体不错。"


def test_an_overall_score_in_a_heading_with_nothing_under_it_is_kept():
    note = parse_note("# T\n\n## 评分 ⭐⭐⭐⭐ (4/5)\n\n## Method\n\nM.\n")
    assert note.body == "## 评分说明 ⭐⭐⭐⭐ (4/5)\n\n## Method\n\nM."


def test_the_first_rating_section_that_says_anything_wins():
    text = (
        "# T\n\n## Rating ⭐⭐⭐⭐\n\nGood.\n\n## Method\n\nM.\n\n## Rating\n\n- Novelty: ⭐⭐\n\n"
        "## 评分\n\n- 创新性: ⭐⭐⭐⭐⭐\n- 价值: ⭐⭐⭐⭐⭐\n"
    )
    note = parse_note(text)
    assert ratings_of(note) == (2, None, None, None)
    # The first keeps its prose; the other two hold nothing but scores.
    assert note.body == "## Rating details ⭐⭐⭐⭐\n\nGood.\n\n## Method\n\nM."


def test_a_subsection_ends_the_rating_block_and_stays_in_the_body():
    text = "# T\n\n## 评分\n\n- 创新性: ⭐⭐⭐\n\n### 个人思考\n\n- 价值: ⭐⭐⭐⭐⭐ (not a rating here)\n"
    note = parse_note(text)
    assert ratings_of(note) == (3, None, None, None)
    assert note.body == "### 个人思考\n\n- 价值: ⭐⭐⭐⭐⭐ (not a rating here)"

    text = "# T\n\n## Rating\n\n- Novelty: ⭐⭐⭐ (3/5)\n\n### Thoughts\n\n- Value: ⭐⭐⭐⭐⭐\n"
    note = parse_note(text)
    assert ratings_of(note) == (3, None, None, None)
    assert note.body == "### Thoughts\n\n- Value: ⭐⭐⭐⭐⭐"


@pytest.mark.parametrize(
    ("heading", "kept_heading"),
    [
        ("## Rating Prediction", "## Rating details: Rating Prediction"),
        ("## 评分模型设计", "## 评分说明：评分模型设计"),
    ],
)
def test_a_section_that_only_starts_like_rating_is_body_unless_it_rates(heading, kept_heading):
    note = parse_note(f"# T\n\n{heading}\n\nPredict a score from 1 to 5.\n")
    assert note.body == f"{heading}\n\nPredict a score from 1 to 5."
    note = parse_note(f"# T\n\n{heading}\n\n- Novelty: ⭐⭐⭐\n")
    assert (note.rating_novelty, note.body) == (3, f"{kept_heading}\n\n- Novelty: ⭐⭐⭐")


def test_rating_reasons_are_kept_in_the_body():
    section = (
        "- Novelty: ⭐⭐⭐⭐ first to prune before training\n- Value: ⭐⭐⭐ (3/5) useful for small models"
    )
    note = parse_note(with_rating(section))
    assert ratings_of(note) == (4, None, None, 3)
    assert note.body == f"## Method\n\nText.\n\n## Rating details\n\n{section}"


def test_extra_rating_dimensions_are_kept_in_the_body():
    section = (
        "- 创新性：⭐⭐⭐⭐ (4/5)\n- 技术深度：⭐⭐⭐⭐⭐ (5/5)\n"
        "- 实用价值：⭐⭐ (2/5)\n- 对我的价值：⭐⭐⭐ (3/5)"
    )
    note = parse_note(with_rating(section, heading="## 评分"))
    assert ratings_of(note) == (4, None, None, 3)
    assert note.body == f"## Method\n\nText.\n\n## 评分说明\n\n{section}"

    section = "- Novelty: ⭐⭐⭐⭐ (4/5)\n- Technical Depth: ⭐⭐⭐⭐⭐ (5/5)"
    note = parse_note(with_rating(section))
    assert ratings_of(note) == (4, None, None, None)
    assert "## Rating details\n\n- Novelty: ⭐⭐⭐⭐ (4/5)\n- Technical Depth: ⭐⭐⭐⭐⭐ (5/5)" in note.body


def test_a_closing_paragraph_is_kept_in_the_body_where_the_section_was():
    text = (
        "# T\n\n## Method\n\nM.\n\n## Rating\n\n- Novelty: ⭐⭐ (2/5)\n\nA solid paper overall.\n\n"
        "## Limitations\n\nL.\n"
    )
    note = parse_note(text)
    assert ratings_of(note) == (2, None, None, None)
    assert note.body == (
        "## Method\n\nM.\n\n## Rating details\n\n- Novelty: ⭐⭐ (2/5)\n\nA solid paper overall.\n\n"
        "## Limitations\n\nL."
    )


@pytest.mark.parametrize(
    ("heading", "kept_heading"),
    [
        ("## Ratings", "## Rating details"),
        ("## **Rating**:", "## **Rating details**:"),
        ("## 📊 评分", "## 📊 评分说明"),
        ("##  Rating ##\r", "##  Rating details ##\r"),
    ],
)
def test_the_kept_heading_is_the_rating_heading_reworded(heading, kept_heading):
    note = parse_note(f"# T\n\n{heading}\n\n- Novelty: ⭐⭐⭐ solid\n")
    assert (note.rating_novelty, note.body) == (3, f"{kept_heading}\n\n- Novelty: ⭐⭐⭐ solid")


@pytest.mark.parametrize(
    "section",
    [
        "",
        "- Novelty: ⭐⭐⭐⭐ (4/5)",
        "- Novelty: ⭐⭐⭐⭐ (4/5)\n- Experimental Thoroughness: ⭐⭐⭐ (3/5)\n"
        "- Writing Quality: ⭐⭐⭐⭐⭐ (5/5)\n- Value: ⭐ (1/5)",
        "- Value: ⭐⭐ (2/5)  \r\n\n- Novelty: ⭐ (1/5)\r",
    ],
)
@pytest.mark.parametrize("heading", ["## Rating", "## 评分", "## 📊 Rating"])
def test_a_section_as_render_note_writes_it_is_dropped(section, heading):
    note = parse_note(with_rating(section, heading=heading))
    assert note.body == "## Method\n\nText."


@pytest.mark.parametrize(
    "section",
    [
        "- Novelty: ⭐⭐⭐⭐ (4/5)\n- Novelty: ⭐⭐ (2/5)",  # the second would be lost
        "- Overall: ⭐⭐⭐⭐ (4/5)",  # not one of the four ratings
        "- Novelty: ⭐⭐⭐⭐ first to prune before training",  # a reason
    ],
)
def test_a_section_with_more_than_the_four_scores_is_kept(section):
    note = parse_note(with_rating(section))
    assert note.body == f"## Method\n\nText.\n\n## Rating details\n\n{section}"


@pytest.mark.parametrize(
    "heading", ["## Rating details", "## Rating Details", "## 评分说明", "## 📊 评分说明 ⭐⭐⭐⭐"]
)
def test_a_rating_details_section_is_never_a_rating_section(heading):
    text = f"# T\n\n{heading}\n\n- Novelty: ⭐⭐⭐ (3/5)\n\n## Rating\n\n- Value: ⭐⭐ (2/5)\n"
    note = parse_note(text)
    assert ratings_of(note) == (None, None, None, 2)
    assert note.body == f"{heading}\n\n- Novelty: ⭐⭐⭐ (3/5)"


def test_a_note_with_kept_rating_details_survives_a_render_and_a_second_read():
    text = (
        "# T\n\n## TL;DR\n\nGist.\n\n## Rating ⭐⭐⭐⭐\n\n"
        "- Novelty: ⭐⭐⭐ first\n- 技术深度: ⭐⭐⭐⭐⭐\n\n"
        "Closing words.\n\n## Method\n\nM.\n"
    )
    note = parse_note(text)
    rendered = render_note(note, venue_label="ICML 2025", area_name="Pretraining")
    assert rendered.count("## Rating details") == 1
    assert parse_note(rendered) == note


# Control characters ------------------------------------------------------------------------


def test_control_characters_are_kept_where_they_are():
    body = (
        "## Method\n\n$\\langle a, b \rangle$ and\ttabs, \x0bvt, \x0cff, \x1cfs, \x1ers, \x85nel, \u2028ls."
    )
    note = parse_note(f"# T\n\n**Code**: None\n\n{body}\n")
    assert note.body == body


def test_crlf_line_ends_are_read():
    note = parse_note("# T\r\n\r\n**Authors**: A\r\n\r\n## TL;DR\r\n\r\nGist.\r\n\r\n## Method\r\n\r\nX\r\n")
    assert (note.title, note.authors, note.summary) == ("T", "A", "Gist.")
    assert note.body == "## Method\r\n\r\nX\r"


# Index pages -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "emoji", "name"),
    [
        ("# 🧪 ICML2025 Paper Notes\n\n**12** notes\n", "🧪", "ICML2025 Paper Notes"),
        ("# 📚 Pretraining\n", "📚", "Pretraining"),
        ("# 📚Pretraining\n", "📚", "Pretraining"),
        ("# 🧑‍💻 Agents\n", "🧑‍💻", "Agents"),
        ("# 🗣️ 自然语言理解\n", "🗣️", "自然语言理解"),
        ("# Pretraining\n", "", "Pretraining"),
        ("# (Old) Notes\n", "", "(Old) Notes"),
        ("Some text\n\n# 📚 Late Heading\n", "📚", "Late Heading"),
        ("No heading at all.\n", "", ""),
        ("", "", ""),
    ],
)
def test_parse_index(text, emoji, name):
    page = parse_index(text)
    assert (page.emoji, page.name, page.meta) == (emoji, name, {})


def test_parse_index_front_matter():
    assert parse_index("---\nhide: [toc]\n---\n# 📚 P\n").meta == {"hide": ["toc"]}
    assert parse_index("---\nhide: [toc\n---\n# 📚 P\n") == parse_index("# 📚 P\n")


@pytest.mark.parametrize(
    ("emoji", "name", "meta"),
    [("🧪", "ICML2025 Paper Notes", {}), ("", "Pretraining", {"hide": ["navigation"]}), ("🖼️", "多模态", {})],
)
def test_render_index_round_trip(emoji, name, meta):
    text = render_index(emoji=emoji, name=name, meta=meta, lines=["**3** notes", "", "- [a](a.md)"])
    page = parse_index(text)
    assert (page.emoji, page.name, page.meta) == (emoji, name, meta)
    assert text.endswith("- [a](a.md)\n")
    assert text.startswith("---\n") == bool(meta)


# Writing and reading back ------------------------------------------------------------------

BODY_WITH_EVERYTHING = """## Background & Motivation

Why it matters, with $x^2$ inline.

## Method

$$
\\mathcal{L} = \\sum_i \\ell(x_i)
$$

1. Step one
   - nested
2. Step two

```python
# a comment that looks like a heading
print("## not a section")
```

## Key Experimental Results

| Model | Acc |
|---|---|
| Ours | **91.2** |

## Notes

**Keywords**: x

**Conference**: not the header"""

ROUND_TRIP_NOTES = [
    Note(title="Minimal"),
    Note(
        title="Sparse Widgets: Pruning at *Initialization* [v2]",
        authors="A. Author, B. Author",
        arxiv_id="2501.01234",
        paper_url="https://arxiv.org/abs/2501.01234",
        code_url="https://github.com/example/sparse-widgets",
        presentation="oral",
        keywords="pruning, lottery ticket, $\\ell_0$ penalty",
        summary="Prunes 70% of weights before training.",
        body=BODY_WITH_EVERYTHING,
        rating_novelty=4,
        rating_experiments=3,
        rating_writing=5,
        rating_value=1,
        published_at=datetime(2026, 5, 8, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        topics=["LLM", "Alignment/RLHF", "Efficiency: Pruning"],
    ),
    Note(
        title="视觉令牌剪枝：先粗看再聚焦",
        authors="周若溪、朴敏俊",
        keywords="剪枝, 高分辨率",
        summary="一句话。",
    ),
    Note(title="No summary", body="## Method\n\nText.", rating_value=2),
    Note(title="Partial ratings", summary="S.", rating_novelty=5, rating_writing=1),
    Note(title="Body without sections", summary="Gist.", body="Just a paragraph.\nAnd a second line."),
    Note(title="Intro before sections", summary="Gist.", body="An intro.\n\n## Method\n\nText."),
    Note(title="Intro glued to a section", summary="Gist.", body="An intro.\n## Method\nText."),
    Note(title="Unknown labels first", body="**机构**: 某大学\n**Affiliation**: Lab\n\n## Method\n\nM."),
    Note(title="OpenReview only", paper_url="https://openreview.net/forum?id=AbC123", presentation="poster"),
    Note(
        title="arXiv and a CVF link", arxiv_id="2501.00005", paper_url="https://openaccess.example.org/p.pdf"
    ),
    Note(title="arXiv but no paper link", arxiv_id="2501.00006"),
    Note(title="Odd URLs", paper_url="https://example.org/x.", code_url="https://example.org/a (b)"),
    Note(title="Wiki URLs", paper_url="https://en.example.org/wiki/X_(y)", code_url="https://e.org/X_(y)"),
    Note(
        title="Old-style arXiv id",
        arxiv_id="hep-th/9901001",
        paper_url="https://arxiv.org/abs/hep-th/9901001",
    ),
    Note(title="Naive-looking UTC date", published_at=datetime(2026, 1, 1, tzinfo=UTC)),
    Note(title="Topics only", topics=["2024", "yes", "a: b", "- dash", "[x]"]),
    Note(title="Control characters", body="## M\n\n$\\langle a \rangle$\tx\x0by\x0cz\x1e\x85\u2028."),
    Note(title="A title: with # and ** and `code`", summary="Multi-line\nsummary, **bold**."),
    Note(title="Math body", body="$$\na = b\n$$", summary="$x$ only."),
    Note(title="Table body", body="| a | b |\n|---|---|\n| 1 | 2 |"),
    Note(
        title="Rating details in the body",
        summary="Gist.",
        body="## Rating details\n\n- Novelty: ⭐⭐⭐⭐ first to prune before training\n"
        "- Technical Depth: ⭐⭐⭐\n\n"
        "## Method\n\nM.\n\n## 评分说明 ⭐⭐⭐⭐ (4/5)\n\n总体不错。",
        rating_novelty=4,
        rating_value=3,
    ),
    Note(title="Only rating details", body="## Rating details\n\n- Novelty: ⭐⭐ (2/5)"),
    Note(
        title="Rating words in the body",
        body="## Rating Prediction\n\nPredict 1 to 5.\n\n## Summary of Results\n\nS.",
    ),
]


@pytest.mark.parametrize("note", ROUND_TRIP_NOTES, ids=lambda note: note.title[:30])
def test_render_then_parse_gives_the_note_back(note):
    text = render_note(note, venue_label="ICML 2025", area_name="Pretraining")
    assert parse_note(text) == note


def test_rendered_note_layout():
    note = ROUND_TRIP_NOTES[1]
    text = render_note(note, venue_label="ICML 2025", area_name="Pretraining / Pruning")
    assert text.startswith("---\ntitle: '[Paper Note] Sparse Widgets: Pruning at *Initialization* [v2]'\n")
    assert "\ndate: 2026-05-08T09:30:15.123456+05:30\n" in text
    assert "\ntopics:\n- LLM\n- Alignment/RLHF\n" in text
    header = (
        "# Sparse Widgets: Pruning at *Initialization* [v2]\n\n"
        "**Conference**: ICML 2025 (Oral)\n"
        "**Authors**: A. Author, B. Author\n"
        "**arXiv**: [2501.01234](https://arxiv.org/abs/2501.01234)\n"
        "**Code**: [Code](https://github.com/example/sparse-widgets)\n"
        "**Area**: Pretraining / Pruning\n"
        "**Keywords**: pruning, lottery ticket, $\\ell_0$ penalty\n\n"
        "## TL;DR\n\nPrunes 70% of weights before training.\n\n## Background & Motivation\n"
    )
    assert header in text
    assert text.endswith(
        "**Conference**: not the header\n\n## Rating\n\n"
        "- Novelty: ⭐⭐⭐⭐ (4/5)\n- Experimental Thoroughness: ⭐⭐⭐ (3/5)\n"
        "- Writing Quality: ⭐⭐⭐⭐⭐ (5/5)\n- Value: ⭐ (1/5)\n"
    )
    assert "**Paper**" not in text


def test_rendered_minimal_note():
    text = render_note(Note(title="T"), venue_label="ACL 2026", area_name="NLP")
    assert text == (
        "---\ntitle: '[Paper Note] T'\n---\n\n"
        "# T\n\n**Conference**: ACL 2026\n**Code**: None\n**Area**: NLP\n"
    )


def test_paper_line_only_when_the_paper_link_is_not_the_arxiv_one():
    def render(**fields):
        return render_note(Note(title="T", **fields), venue_label="V", area_name="A")

    assert "**Paper**" not in render(arxiv_id="2501.1", paper_url="https://arxiv.org/abs/2501.1")
    assert "**Paper**: https://example.org/p\n" in render(
        arxiv_id="2501.1", paper_url="https://example.org/p"
    )
    assert "**Paper**: None\n" in render(arxiv_id="2501.1")
    assert "**Paper**: https://example.org/p\n" in render(paper_url="https://example.org/p")


PIECES = {
    "title": ["Plain", "Colon: subtitle", "*Stars* and [brackets]", "φ-Laws für Schrödinger", "标题：副标题"],
    "authors": ["", "A. Author", "张三、李四", "O'Brien, Ní Bhriain"],
    "arxiv_id": ["", "2501.01234", "2412.00001"],
    "paper_url": ["", "https://openreview.net/forum?id=x", "https://example.org/p.pdf"],
    "code_url": ["", "https://github.com/e/x", "https://gitlab.example.org/a/b_(c)"],
    "presentation": ["", "oral", "spotlight", "highlight", "poster"],
    "keywords": ["", "a, b", "中文, 关键词", "$\\ell_1$, sparsity"],
    "summary": ["", "One line.", "Two\nlines with $x$.", "含有：冒号的总结。"],
    "body": [
        "",
        "Paragraph only.",
        "## Method\n\nText.",
        "Intro.\n\n## A\n\n### B\n\n| x | y |\n|---|---|\n| 1 | 2 |",
        "**Unknown**: label first\n\n## S\n\n**Keywords**: inside a section",
        BODY_WITH_EVERYTHING,
        "## M\n\nCR \r inside, tab\there, FF \x0c there.",
        "## M\n\nText.\n\n## Rating details\n\n- Novelty: ⭐⭐⭐ reason\n- 技术深度：⭐⭐",
    ],
    "published_at": [
        None,
        datetime(2026, 5, 8, tzinfo=UTC),
        datetime(2025, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-7))),
    ],
    "topics": [[], ["LLM"], ["Alignment/RLHF", "多模态"]],
}


RATINGS = [None, 1, 2, 3, 4, 5]
RATING_FIELDS = ("rating_novelty", "rating_experiments", "rating_writing", "rating_value")


def random_note(rng):
    fields = {name: rng.choice(values) for name, values in PIECES.items()}
    fields.update({name: rng.choice(RATINGS) for name in RATING_FIELDS})
    if fields["arxiv_id"] and rng.random() < 0.5:
        fields["paper_url"] = f"https://arxiv.org/abs/{fields['arxiv_id']}"
    return Note(**fields)


def test_render_then_parse_round_trips_many_generated_notes():
    rng = random.Random(20260508)  # noqa: S311 (seeded on purpose: the same notes every run)
    for _ in range(500):
        note = random_note(rng)
        text = render_note(note, venue_label=rng.choice(["ICML 2025", "CVPR2026"]), area_name="多模态 / VLM")
        assert parse_note(text) == note, text
