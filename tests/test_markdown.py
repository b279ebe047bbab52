"""How notes and summaries render: Markdown features, math as written, and caching."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.template import Context, Template

from papers import markdown
from papers.markdown import note_body, note_summary, render_block, render_inline, render_note, summaries
from tests.factories import PaperFactory
from tests.helpers import text_of


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def math(css_class, source, element="span"):
    return f'<{element} class="math {css_class}">{source}</{element}>'


class TestMarkdown:
    def test_table(self):
        html = render_block("| Model | Score |\n|:------|------:|\n| ours | 9.1 |\n")

        assert "<table>\n<thead>\n<tr>\n<th>Model</th>\n<th>Score</th>" in html
        assert "<td>ours</td>\n<td>9.1</td>" in html
        # Column alignment would need a style attribute: it is dropped, not allowed.
        assert "style" not in html

    def test_each_table_scrolls_in_a_named_box_the_keyboard_can_focus(self):
        html = render_block("| a |\n|---|\n| 1 |\n\ntext\n\n| b |\n|---|\n| 2 |\n")

        assert html.count('<div class="table-scroll" role="region" tabindex="0" aria-label="Table 1">') == 1
        assert html.count('<div class="table-scroll" role="region" tabindex="0" aria-label="Table 2">') == 1
        assert html.count("</table>\n</div>") == 2

    def test_a_note_cannot_write_the_table_box_attributes_itself(self):
        html = render_block('<div role="region" tabindex="0">x</div>\n')

        assert "<div" not in html

    def test_footnotes(self):
        html = render_block("Widgets help[^1] a lot.\n\n[^1]: In *most* cases.\n")

        assert '<sup class="footnote-ref"><a href="#fn1" id="fnref1"' in html
        assert '<section class="footnotes">' in html
        assert '<li id="fn1" class="footnote-item"><p>In <em>most</em> cases.' in html
        assert 'href="#fnref1" class="footnote-backref"' in html

    def test_definition_list(self):
        html = render_block("Widget\n: A small *gadget*.\n")

        assert html == "<dl>\n<dt>Widget</dt>\n<dd>A small <em>gadget</em>.</dd>\n</dl>\n"

    def test_headings_get_unique_unicode_ids_and_a_table_of_contents(self):
        note = render_note(
            "# Title\n\n## Méthode & <résultats>\n\n### Loss `L` with $x_i$\n\n"
            "#### Detail\n\n##### Small\n\n## Méthode & <résultats>\n\n## 方法\n\n## ???\n\n## Main\n"
        )

        assert "<h1>Title</h1>" in note.html
        assert '<h2 id="méthode-résultats">Méthode &amp; &lt;résultats&gt;</h2>' in note.html
        assert '<h3 id="loss-l-with">' in note.html
        assert '<h4 id="detail">Detail</h4>' in note.html
        assert "<h5>Small</h5>" in note.html
        assert note.toc == [
            (2, "méthode-résultats", "Méthode & <résultats>"),
            (3, "loss-l-with", "Loss L with $x_i$"),
            (2, "méthode-résultats-1", "Méthode & <résultats>"),
            (2, "方法", "方法"),
            (2, "section", "???"),
            # "main" is the page's own landmark id.
            (2, "section-main", "Main"),
        ]

    def test_footnote_ids_are_not_taken_by_headings(self):
        note = render_note("## FN1\n\nText[^1]\n\n[^1]: Note.\n")

        assert note.toc == [(2, "section-fn1", "FN1")]
        assert note.html.count('id="fn1"') == 1

    def test_nested_lists(self):
        html = render_block("1. one\n   - a\n   - b\n     1. deep\n2. two\n")

        assert html == (
            "<ol>\n<li>one\n<ul>\n<li>a</li>\n<li>b\n<ol>\n<li>deep</li>\n</ol>\n</li>\n</ul>\n</li>\n"
            "<li>two</li>\n</ol>\n"
        )

    def test_ordered_list_keeps_its_start(self):
        assert render_block("3. three\n4. four\n").startswith('<ol start="3">')

    def test_math_like_text_in_code_stays_code(self):
        html = render_block("```python\ncost = $x$ + \\(y\\)  # <b>\n```\n\nInline `$z$` too.\n")

        assert "<pre><code>cost = $x$ + \\(y\\)  # &lt;b&gt;\n</code></pre>" in html
        assert "<code>$z$</code>" in html
        assert "math" not in html

    def test_links_and_images(self):
        html = render_block(
            '[site](https://example.org "Example") [mail](mailto:a@example.org) [here](#method) '
            "[page](/papers/) ![plot](https://example.org/p.png) ![local](/p.png) "
            "![inline](data:image/png;base64,iVBORw0KGgo=)"
        )

        assert '<a href="https://example.org" title="Example" rel="noopener noreferrer">site</a>' in html
        assert '<a href="mailto:a@example.org" rel="noopener noreferrer">mail</a>' in html
        assert '<a href="#method" rel="noopener noreferrer">here</a>' in html
        assert '<a href="/papers/" rel="noopener noreferrer">page</a>' in html
        assert '<img src="https://example.org/p.png" alt="plot">' in html
        # Images load over http(s) only.
        assert '<img alt="local">' in html
        assert '<img alt="inline">' in html

    def test_raw_html_is_shown_as_text(self):
        assert render_inline("<b>bold</b> & <i>") == "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;"

    def test_strikethrough(self):
        assert render_inline("~~old~~ new") == "<s>old</s> new"

    def test_summary_is_inline_only(self):
        html = render_inline("A [^1] note^[not a footnote].\n\n## Not a heading")

        assert "<p>" not in html
        assert "<sup" not in html
        assert "<section" not in html
        assert "<h2" not in html


class TestMath:
    @pytest.mark.parametrize(
        ("source", "expected"),
        [
            ("Speed-up \\(5.2\\times\\) overall", "Speed-up " + math("math-inline", "\\(5.2\\times\\)")),
            (
                "Regret $\\mathcal{O}(\\log^2 t)$ here",
                "Regret " + math("math-inline", "$\\mathcal{O}(\\log^2 t)$") + " here",
            ),
            ("Costs 5$ and $10 today", "Costs 5$ and $10 today"),
            ("Between $a<b$ & c", "Between " + math("math-inline", "$a&lt;b$") + " &amp; c"),
            ("Markdown $a_1 * b_2 *$ is left alone", "Markdown " + math("math-inline", "$a_1 * b_2 *$")),
            ("Shown $$\\sum_i x_i$$ inline", "Shown " + math("math-display", "$$\\sum_i x_i$$") + " inline"),
        ],
    )
    def test_inline_math_is_kept_as_written(self, source, expected):
        assert render_inline(source).startswith(expected)

    def test_display_math_is_kept_as_written(self):
        html = render_block("$$\nL = \\sum_i \\ell(x_i)\n$$\n\n\\[\n\\frac{a}{b} < 1\n\\]\n\n$$\ny\n$$ (2)\n")

        assert math("math-display", "$$\nL = \\sum_i \\ell(x_i)\n$$", "div") in html
        assert math("math-display", "\\[\n\\frac{a}{b} &lt; 1\n\\]", "div") in html
        assert math("math-display", "$$\ny\n$$ (2)", "div") in html

    @pytest.mark.parametrize(
        "source",
        [
            "Broken $\\frac{1}{$ math",
            "Broken \\(\\frac{1}{\\) math",
            "\\[\\left( x \\]",
            "Unclosed $x + y",
            "Bad $\\begin{matrix} a$ env",
            "Empty $$ $$ pair",
        ],
    )
    def test_malformed_math_keeps_its_source(self, source):
        html = render_block(source)

        assert text_of(html) == source
        assert "<script" not in html


@pytest.mark.django_db
class TestCaching:
    def test_a_paper_version_is_rendered_once(self):
        paper = PaperFactory(body="## Method\n\nWidgets.", summary="*Short*.")

        with (
            mock.patch.object(markdown, "render_note", wraps=markdown.render_note) as body_renders,
            mock.patch.object(markdown, "render_inline", wraps=markdown.render_inline) as summary_renders,
        ):
            first, second = note_body(paper), note_body(paper)
            summaries_seen = {note_summary(paper), note_summary(paper)}

        assert body_renders.call_count == 1
        assert summary_renders.call_count == 1
        assert first == second == render_note("## Method\n\nWidgets.")
        assert first.toc == [(2, "method", "Method")]
        assert summaries_seen == {"<em>Short</em>."}

    def test_a_saved_edit_is_rendered_again(self):
        paper = PaperFactory(body="Old body.", summary="Old summary.")
        assert "Old body." in note_body(paper).html
        assert note_summary(paper) == "Old summary."

        paper.body, paper.summary = "New body.", "New summary."
        paper.save()

        assert "New body." in note_body(paper).html
        assert note_summary(paper) == "New summary."

    def test_the_key_changes_with_updated_at_and_renderer_version(self):
        paper = PaperFactory()
        note_body(paper)

        with mock.patch.object(markdown, "render_note", wraps=markdown.render_note) as renders:
            paper.updated_at += timedelta(seconds=1)
            note_body(paper)
            with mock.patch.object(markdown, "RENDERER_VERSION", markdown.RENDERER_VERSION + 1):
                note_body(paper)

        assert renders.call_count == 2

    def test_an_unsaved_paper_is_rendered_without_the_cache(self):
        paper = PaperFactory.build(body="## Draft", summary="*Draft*")

        with mock.patch.object(markdown, "cache", mock.Mock(wraps=cache)) as spy:
            note = note_body(paper)
            summary = note_summary(paper)

        assert note.toc == [(2, "draft", "Draft")]
        assert summary == "<em>Draft</em>"
        assert spy.mock_calls == []

    def test_summaries_read_the_cache_once_for_a_list(self):
        papers = PaperFactory.create_batch(3, summary="About *widgets*.")
        note_summary(papers[0])  # one already cached

        with (
            mock.patch.object(markdown, "cache", mock.Mock(wraps=cache)) as spy,
            mock.patch.object(markdown, "render_inline", wraps=markdown.render_inline) as renders,
        ):
            rendered = summaries(papers)
            # The template filter then finds each summary on its paper.
            shown = [note_summary(paper) for paper in papers]

        assert rendered == {paper.pk: "About <em>widgets</em>." for paper in papers}
        assert shown == ["About <em>widgets</em>."] * 3
        assert renders.call_count == 2
        assert [call[0] for call in spy.mock_calls] == ["get_many", "set_many"]
        assert len(spy.set_many.call_args.args[0]) == 2

    def test_summaries_of_a_cached_list_render_nothing(self):
        papers = PaperFactory.create_batch(2)
        summaries(papers)
        fresh = [type(paper).objects.get(pk=paper.pk) for paper in papers]

        with (
            mock.patch.object(markdown, "cache", mock.Mock(wraps=cache)) as spy,
            mock.patch.object(markdown, "render_inline") as renders,
        ):
            summaries(fresh)

        assert renders.call_count == 0
        assert [call[0] for call in spy.mock_calls] == ["get_many"]


@pytest.mark.django_db
def test_template_filters():
    paper = PaperFactory(summary="Cost $O(n)$ and *help*.", body="## Idea\n\nText.")
    template = Template(
        "{% load notes %}<p>{{ paper|summary_html }}</p>"
        "{% with body=paper|note_body %}{{ body.html }}{% for level, anchor, text in body.toc %}"
        "[{{ level }} {{ anchor }} {{ text }}]{% endfor %}{% endwith %}"
        "{{ paper.body|markdown_block }}{{ paper.summary|markdown_inline }}{{ 3|stars }}"
    )

    html = template.render(Context({"paper": paper}))

    assert html == (
        '<p>Cost <span class="math math-inline">$O(n)$</span> and <em>help</em>.</p>'
        '<h2 id="idea">Idea</h2>\n<p>Text.</p>\n[2 idea Idea]'
        '<h2 id="idea">Idea</h2>\n<p>Text.</p>\n'
        'Cost <span class="math math-inline">$O(n)$</span> and <em>help</em>.★★★☆☆'
    )
