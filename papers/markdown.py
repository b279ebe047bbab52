"""Markdown to HTML for notes and summaries.

Raw HTML in the source is not passed through (it is shown as text), and links with
unsafe schemes are dropped by markdown-it's own link validation. Math (`$…$`,
`$$…$$`, `\\(…\\)`, `\\[…\\]`) is kept exactly as written, escaped, in elements a
math typesetter can find; Markdown never reinterprets the characters inside it.
"""

from html import escape

from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.texmath import texmath_plugin

CLOSING = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}


def _render_math(element, css_class):
    def render(self, tokens, idx, options, env):
        token = tokens[idx]
        source = f"{token.markup}{token.content}{CLOSING.get(token.markup, token.markup)}"
        if token.type == "math_block_label":
            source += f" ({token.info})"
        html = f'<{element} class="math {css_class}">{escape(source, quote=False)}</{element}>'
        return html + ("\n" if element == "div" else "")

    return render


def _build():
    md = MarkdownIt("commonmark", {"html": False})
    md.enable(["table", "strikethrough"])
    # "5$ and $10" is money, not math: digits next to a dollar sign do not open math.
    md.use(dollarmath_plugin, allow_space=True, allow_digits=False, double_inline=True)
    md.use(texmath_plugin, delimiters="brackets")
    inline, display = _render_math("span", "math-inline"), _render_math("div", "math-display")
    for token_type, renderer in {
        "math_inline": inline,
        # $$…$$ inside a paragraph is displayed too, but must stay inline-level HTML.
        "math_inline_double": _render_math("span", "math-display"),
        "math_block": display,
        "math_block_label": display,
        "math_block_eqno": display,
    }.items():
        md.add_render_rule(token_type, renderer)
    return md


_markdown = _build()


def render_block(text):
    """A whole note body."""
    return _markdown.render(text or "")


def render_inline(text):
    """A summary, as inline content to go inside a <p>."""
    return _markdown.renderInline(text or "")
