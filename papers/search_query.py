"""What readers type in the search box, read once and written for each database.

The syntax is the one people know from web search: words (all must match),
"an exact phrase", `OR` between two alternatives, `-word` or `-"a phrase"` to exclude,
and the last word matched as a prefix while it is being typed. Anything else (FTS or
SQL operators such as `NEAR`, `*`, `:`, `^`, quotes left open, emoji, control
characters) is read as plain text: only letters and digits make words, so nothing a
reader types reaches either database's query parser unquoted.

The index holds each text as these same words, one space apart (`index_text`), so
both databases split documents and queries alike. Neither database's tokenizer splits
Chinese, Japanese or Korean text into words, so a run of those characters is spelt as
its overlapping pairs ("深度学习" → "深度 度学 学习"): a word of two or more characters
is then a phrase of pairs, found wherever it appears.
"""

import re
from dataclasses import dataclass, field

# Han (with extensions and compatibility ideographs), kana and Hangul syllables.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
CJK_RUN = re.compile(f"[{CJK}]+")
WORD = re.compile(rf"[{CJK}]+|[^\W_{CJK}]+")  # a CJK run, or letters and digits
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')

MAX_QUERY_LENGTH = 500  # characters read; the rest is ignored
MAX_TERMS = 12
MAX_WORD_LENGTH = 60
MIN_PREFIX_LENGTH = 2
ONLY_EXCLUDED = "Add a word to look for: a search of only excluded words matches nothing."


def words_of(text):
    """The words of `text`: runs of letters and digits, CJK runs apart, lower-cased."""
    return [word.lower()[:MAX_WORD_LENGTH] for word in WORD.findall(text)]


def tokens_of(words):
    """The index tokens of `words`: each CJK run spelt as its overlapping pairs."""
    tokens = []
    for word in words:
        if is_cjk(word) and len(word) > 1:
            tokens.extend(word[i : i + 2] for i in range(len(word) - 1))
        else:
            tokens.append(word)
    return tokens


def index_text(text):
    """`text` as the index stores it: its tokens, one space apart.

    Both databases then split it into the same words as a query (neither sees
    punctuation, markup, URLs or CJK runs its own way).
    """
    words = words_of(text)
    # Most notes hold no CJK: one search of the text spares a test of every word.
    return " ".join(tokens_of(words) if CJK_RUN.search(text) else words)


def is_cjk(word):
    return bool(CJK_RUN.fullmatch(word))


@dataclass(frozen=True)
class Term:
    """A word or a phrase: the tokens must appear in this order, next to each other."""

    words: tuple
    prefix: bool = False  # the last word may be the start of a longer one

    @property
    def tokens(self):
        """The index tokens to look for, in order (CJK words spelt as pairs)."""
        return tuple(tokens_of(self.words))


@dataclass(frozen=True)
class Query:
    """Groups that must all match (each group: any one of its terms), and terms that must not."""

    groups: tuple = ()
    excluded: tuple = ()
    problems: tuple = field(default=(), compare=False)

    def __bool__(self):
        return bool(self.groups)

    @property
    def terms(self):
        """Every term that must or may match (for highlighting)."""
        return [term for group in self.groups for term in group]


def parse(text, *, prefix_last=True):
    """Read a search box's text into a Query (never fails: odd input is plain text)."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    groups, excluded, problems = [], [], []
    join_next = False
    matches = list(TOKEN.finditer(text))
    typing_last_word = prefix_last and text[-1:].strip() != ""
    for index, match in enumerate(matches):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare == "OR":
            join_next = bool(groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        words = tuple(words_of(quoted if quoted is not None else bare))
        if not words:
            continue
        is_last = index == len(matches) - 1
        prefix = (
            typing_last_word
            and is_last
            and quoted is None
            and not negated
            and not is_cjk(words[-1])
            and len(words[-1]) >= MIN_PREFIX_LENGTH
        )
        term = Term(words, prefix=prefix)
        if negated:
            excluded.append(term)
        elif join_next and groups:
            groups[-1] = (*groups[-1], term)
        else:
            groups.append((term,))
        join_next = False
    if len(groups) + len(excluded) > MAX_TERMS:
        problems.append(f"Only the first {MAX_TERMS} words or phrases are used.")
        groups = groups[:MAX_TERMS]
        excluded = excluded[: max(0, MAX_TERMS - len(groups))]
    if excluded and not groups:
        problems.append(ONLY_EXCLUDED)
    return Query(tuple(groups), tuple(excluded), tuple(problems))


# SQLite FTS5


def fts5_expression(query, *, columns=None):
    """The FTS5 MATCH expression of `query`; every token is quoted, so none is an operator.

    With `columns` ("title tags", say), the words must match within those columns;
    excluded words leave a note out wherever they appear in it.
    """

    def term(t):
        return '"' + " ".join(t.tokens) + '"' + ("*" if t.prefix else "")

    def group(g):
        return "(" + " OR ".join(term(t) for t in g) + ")"

    expression = " AND ".join(group(g) for g in query.groups)
    if columns:
        expression = f"{{{columns}}} : ({expression})"
    for t in query.excluded:
        expression = f"({expression}) NOT {term(t)}"
    return expression


# PostgreSQL tsquery


def tsquery_expression(query, *, phrase=" <-> "):
    """The raw tsquery of `query`, for to_tsquery() with the index's text configuration.

    Tokens are letters and digits only, each quoted, so none is an operator; the
    configuration stems each one as it stems the index. `phrase=" & "` asks for the
    words of each phrase in any order and place.
    """

    def term(t):
        lexemes = [f"'{token}'" for token in t.tokens]
        if t.prefix:
            lexemes[-1] += ":*"
        return "(" + phrase.join(lexemes) + ")"

    parts = ["(" + " | ".join(term(t) for t in g) + ")" for g in query.groups]
    parts += ["!" + term(t) for t in query.excluded]
    return " & ".join(parts)


def tsquery_parts(query):
    """(the words that must match, any excluded word or None) as raw tsqueries. A tier's
    vector holds only part of a note, so its words are looked for there and excluded
    words in the whole note."""
    wanted = tsquery_expression(Query(query.groups))
    excluded = tsquery_expression(Query((query.excluded,))) if query.excluded else None
    return wanted, excluded


def phrases(query):
    """The phrases every match holds, as index text: each group of one term of two or more
    tokens (a quoted phrase, a hyphenated word, a CJK word), without a last word typed as
    a prefix."""
    found = []
    for group in query.groups:
        tokens = group[0].tokens[:-1] if group[0].prefix else group[0].tokens
        if len(group) == 1 and len(tokens) > 1:
            found.append(" ".join(tokens))
    return found
