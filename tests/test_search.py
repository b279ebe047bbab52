"""Full-text search: whole notes, ranked, highlighted, with facets, on both databases."""

import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from papers import search, search_query
from papers.models import Paper, PaperSearch, Topic
from papers.search import hits_sql
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory
from tests.helpers import paper_form, paper_titles, text_of

pytestmark = pytest.mark.django_db

LIST = "/papers/"
BODY = (
    "## Method\n\nWe train a sparse mixture of experts whose router learns load balancing "
    "without an auxiliary loss. The gating network is regularised by entropy.\n"
)


def found(client, q, **filters):
    response = client.get(LIST, {"q": q, **filters})
    assert response.status_code == 200, text_of(response.content.decode())[:300]
    return paper_titles(response)


@pytest.fixture
def notes():
    venue, other_venue = VenueFactory(name="ICML2025"), VenueFactory(name="NeurIPS2024")
    area, other_area = AreaFactory(name="Efficiency"), AreaFactory(name="Alignment")
    return {
        "moe": PaperFactory(
            title="Routers without auxiliary losses",
            summary="Balanced experts for free.",
            body=BODY,
            venue=venue,
            area=area,
            topics=["Mixture of Experts"],
        ),
        "rlhf": PaperFactory(
            title="Reward models overfit",
            summary="Preference data is noisy; we measure how much.",
            body="## Findings\n\nReward hacking grows with policy size.\n",
            venue=other_venue,
            area=other_area,
            topics=["Alignment/RLHF", "LLM"],
            keywords="reward model, preference",
        ),
        "zh": PaperFactory(
            title="稀疏专家模型的路由",
            summary="我们提出了一种新的深度学习方法。",
            body="## 方法\n\n本文研究大规模语言模型的负载均衡问题。无需辅助损失。\n",
            venue=venue,
            area=area,
            topics=["LLM"],
        ),
    }


def test_a_phrase_from_the_middle_of_a_body_finds_its_note(client, notes):
    assert found(client, '"load balancing without an auxiliary loss"') == [notes["moe"].title]
    assert found(client, "gating entropy regularised") == [notes["moe"].title]


def test_chinese_words_of_two_or_more_characters_are_found(client, notes):
    title = notes["zh"].title
    assert found(client, "深度学习") == [title]  # in the summary
    assert found(client, "负载均衡") == [title]  # in the middle of the body
    assert found(client, "语言模型") == [title]
    assert found(client, "路由") == [title]  # in the title
    assert found(client, "强化学习") == []
    assert found(client, "均衡 辅助") == [title]  # two words, both must match


def test_words_must_all_match(client, notes):
    assert found(client, "reward hacking") == [notes["rlhf"].title]
    assert found(client, "reward experts") == []


def test_an_exact_phrase_must_appear_in_that_order(client, notes):
    assert found(client, '"hacking grows"') == [notes["rlhf"].title]
    assert found(client, '"grows hacking"') == []


def test_or_and_excluded_words(client, notes):
    assert sorted(found(client, "router OR reward")) == sorted([notes["moe"].title, notes["rlhf"].title])
    assert found(client, "router OR reward -hacking") == [notes["moe"].title]
    assert found(client, 'models -"reward hacking"') == []


def test_the_last_word_is_a_prefix_while_typing(client, notes):
    assert found(client, "auxil") == [notes["moe"].title]
    assert found(client, '"auxil"') == []  # a quoted word is a whole word


def test_stems_match_other_forms_of_a_word(client, notes):
    assert found(client, "router learning") == [notes["moe"].title]  # "learns"


def test_title_outranks_keywords_then_summary_then_body_then_newest(client):
    now = timezone.now()
    body = PaperFactory(title="D", body="Quokka in the body.", published_at=now - timedelta(days=1))
    newer_body = PaperFactory(title="E", body="Quokka in the body.", published_at=now - timedelta(hours=1))
    summary = PaperFactory(title="C", summary="Quokka in the summary.")
    keywords = PaperFactory(title="B", keywords="quokka")
    title = PaperFactory(title="A quokka study")

    expected = [title, keywords, summary, newer_body, body]
    assert found(client, "quokka") == [paper.title for paper in expected]


def test_notes_of_one_second_are_newest_first_by_id_in_the_titles_tier_and_the_others(client, settings):
    # The titles' tier and the others walk different indexes newest first: the search
    # rows' `recency` (second, then id) and the papers' (published_at, id). Saved in
    # whole seconds, both give this order, and the list of matches cut at its limit
    # keeps the same notes either way.
    settings.SEARCH_MATCH_LIMIT = 3
    second = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    fractions = [900_000, 100_000, 500_000, 0, 700_000]
    titled, bodies = [], []
    for n, fraction in enumerate(fractions):
        published_at = second.replace(microsecond=fraction)
        titled.append(PaperFactory(title=f"Quokka {n}", published_at=published_at))
        bodies.append(PaperFactory(title=f"Body {n}", body="A quokka.", published_at=published_at))

    assert found(client, "quokka") == [paper.title for paper in reversed(titled)][:3]
    assert found(client, "body quokka") == [paper.title for paper in reversed(bodies)][:3]


def test_a_tier_needs_the_whole_search_in_its_text(client):
    now = timezone.now()
    split = PaperFactory(title="Quokka habits", body="Seen with a wombat.", published_at=now)
    summary = PaperFactory(title="Z", summary="A quokka and a wombat.", published_at=now - timedelta(days=2))
    title = PaperFactory(title="Quokka meets wombat", published_at=now - timedelta(days=3))

    # Both words in the title, then both in the summary, then split across title and body.
    assert found(client, "quokka wombat") == [title.title, summary.title, split.title]


def test_a_search_in_bodies_only_where_the_heads_hold_it_elsewhere(client):
    # SQLite probes the titles, tags and summaries once before reading their three tiers:
    # they hold the words here in another venue only, so this venue's list is of bodies.
    now = timezone.now()
    venue, other = VenueFactory(name="ICLR2026"), VenueFactory(name="KDD2026")
    PaperFactory(title="Head", venue=other, summary="A quokka census.", published_at=now)
    older = PaperFactory(
        title="Older", venue=venue, body="A quokka census drafted twice.", published_at=now - timedelta(2)
    )
    newer = PaperFactory(
        title="Newer", venue=venue, body="The quokka census.", published_at=now - timedelta(1)
    )

    for q in ["quokka census", '"quokka census"', "quokka cens", "quokka census -wombat"]:
        assert found(client, q, venue=venue.slug) == [newer.title, older.title], q
        assert found(client, q) == ["Head", newer.title, older.title], q
    # In no head at all: the probe finds nothing and the bodies alone are read.
    assert found(client, '"census drafted"', venue=venue.slug) == [older.title]
    assert found(client, "wombat census") == []


def test_newest_means_published_last_not_added_last(client):
    now = timezone.now()
    added_first = PaperFactory(title="Quokka one", published_at=now - timedelta(hours=1))
    added_last = PaperFactory(title="Quokka two", published_at=now - timedelta(days=30))

    assert found(client, "quokka") == [added_first.title, added_last.title]


def test_topics_and_authors_are_searched(client, notes):
    PaperFactory(title="By Ada", authors="Ada Lovelace")
    assert found(client, "lovelace") == ["By Ada"]
    assert found(client, '"mixture of experts"') == [notes["moe"].title]


def test_each_result_has_a_highlighted_snippet_from_where_it_matched(client, notes):
    html = client.get(LIST, {"q": "auxiliary"}).content.decode()
    snippet = re.search(r'<p class="paper-summary snippet">(.*?)</p>', html, flags=re.S).group(1)
    assert "<mark>auxiliary</mark>" in snippet
    assert "load balancing" in snippet  # the body, where it matched: not the summary

    html = client.get(LIST, {"q": "负载均衡"}).content.decode()
    assert "<mark>负载均衡</mark>" in html


def test_snippets_are_escaped(client):
    PaperFactory(title="Hostile", body="Before <script>alert('x')</script> the quokka & <b>more</b>.")

    html = client.get(LIST, {"q": "quokka"}).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; the <mark>quokka</mark> &amp;" in html


def test_math_in_a_snippet_is_kept_whole_for_katex_and_never_marked(client):
    PaperFactory(
        title="Penalised steps",
        summary=r"Each update adds $\lambda \lVert \Delta\theta_{t} \rVert_2^2$ to the update rule; "
        "5$ and $10 stay text.",
    )

    html = client.get(LIST, {"q": "update"}).content.decode()
    snippet = re.search(r'<p class="paper-summary snippet">(.*?)</p>', html, flags=re.S).group(1)

    assert snippet == (
        "Each <mark>update</mark> adds "
        r'<span class="math math-inline">$\lambda \lVert \Delta\theta_{t} \rVert_2^2$</span>'
        " to the <mark>update</mark> rule; 5$ and $10 stay text."
    )


SUM = "$x_1 + x_2 + x_3 + x_4 + x_5 + x_6 + x_7 + x_8 + x_9 + x_{10} + x_{11} + x_{12}$"


def test_a_snippet_never_cuts_a_formula_in_two(client):
    words = " ".join(["filler"] * 60)
    # The snippet's window would end inside the formula.
    PaperFactory(
        title="Long",
        body=f"{words} the quokka {'filler ' * 22}{SUM} {words}",
    )

    html = client.get(LIST, {"q": "quokka"}).content.decode()
    snippet = re.search(r'<p class="paper-summary snippet">(.*?)</p>', html, flags=re.S).group(1)

    assert f'<span class="math math-inline">{SUM}</span>' in snippet


def test_facets_count_the_results_and_narrow_them(client, notes):
    PaperFactory(title="Another router", body="A router.", venue=notes["rlhf"].venue, area=notes["moe"].area)

    response = client.get(LIST, {"q": "router"})
    groups = dict(response.context["facet_groups"])

    venues = {name: count for name, count, _, _ in groups["Venues"]}
    assert venues == {"ICML2025": 1, "NeurIPS2024": 1}
    areas = {name: count for name, count, _, _ in groups["Areas"]}
    assert areas == {"Efficiency": 2}
    topics = {name: count for name, count, _, _ in groups["Topics"]}
    assert topics == {"Mixture of Experts": 1}
    url = next(url for name, _, url, _ in groups["Venues"] if name == "NeurIPS2024")
    assert paper_titles(client.get(LIST + url)) == ["Another router"]
    assert "q=router" in url


def test_filters_combine_with_the_query(client, notes):
    assert found(client, "router", venue=notes["moe"].venue.slug) == [notes["moe"].title]
    assert found(client, "router", venue=notes["rlhf"].venue.slug) == []
    assert found(client, "LLM", topic=Topic.objects.get(name="Alignment/RLHF").slug) == [notes["rlhf"].title]


def test_other_sorts_still_apply_to_a_search(client, notes):
    PaperFactory(title="Aardvark router", body="router")
    titles = found(client, "router", sort="title")
    assert titles == sorted(titles, key=str.lower)


def test_only_public_notes_are_found(client, notes):
    PaperFactory(title="Secret router draft", body="router", draft=True)
    PaperFactory(title="Scheduled router", body="router", scheduled=True)

    assert found(client, "router") == [notes["moe"].title]


@pytest.mark.parametrize(
    "q",
    [
        "",
        "   ",
        '"unbalanced quote',
        'router "',
        "OR",
        "OR OR AND NOT",
        "-",
        "--",
        "*",
        ":",
        "^",
        "NEAR(router balancing)",
        "title:router",
        "router*",
        "^router",
        "router AND",
        "'; DROP TABLE papers_paper; --",
        '") OR 1=1 --',
        "🤖🧠 router",
        "مرحبا بالعالم",
        "שלום עולם",
        "a" * 499,
        "x " * 200,
        "{title} : router",
        "router NOT",
        "(router",
        "router)",
        "\\",
        "%_%",
    ],
)
def test_odd_input_gives_a_page_not_an_error(client, notes, q):
    response = client.get(LIST, {"q": q})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x" * 10_000, "at most 500 characters"),
        ("-router", "a search of only excluded words matches nothing"),
        ("-router -reward", "a search of only excluded words matches nothing"),
        ("router\x00", "Null characters are not allowed"),
    ],
)
def test_unusable_input_gets_a_clear_message(client, notes, q, message):
    response = client.get(LIST, {"q": q})

    assert response.status_code == 400
    assert message in text_of(response.content.decode())


def test_the_search_box_is_on_every_page(client, notes):
    for url in ["/", notes["moe"].get_absolute_url(), "/areas/" + notes["moe"].area.slug + "/"]:
        html = client.get(url).content.decode()
        assert (
            'role="search"' in html and 'name="q"' in html and 'data-suggest-url="/papers/suggest/"' in html
        )


class TestSuggestions:
    def test_titles_that_start_like_what_is_typed(self, client, notes):
        results = client.get("/papers/suggest/", {"q": "route"}).json()["results"]

        assert [r["title"] for r in results] == [notes["moe"].title]
        assert results[0]["url"] == notes["moe"].get_absolute_url()
        assert results[0]["venue"] == "ICML2025"

    def test_only_titles_only_public_at_most_ten(self, client, notes):
        for n in range(12):
            PaperFactory(title=f"Quokka {n}")
        PaperFactory(title="Quokka draft", draft=True)

        results = client.get("/papers/suggest/", {"q": "quok"}).json()["results"]

        assert len(results) == 10
        assert all(r["title"].startswith("Quokka ") and "draft" not in r["title"] for r in results)
        assert client.get("/papers/suggest/", {"q": "gating"}).json()["results"] == []  # in a body only

    def test_chinese_titles(self, client, notes):
        results = client.get("/papers/suggest/", {"q": "专家"}).json()["results"]
        assert [r["title"] for r in results] == [notes["zh"].title]

    @pytest.mark.parametrize("q", ["", "*", '"', "x" * 10_000, "\x00", "-a", "OR"])
    def test_odd_input(self, client, q):
        response = client.get("/papers/suggest/", {"q": q})

        assert response.status_code == 200
        assert response.json() == {"results": []}

    @pytest.mark.parametrize("matching_titles", [2, 60])
    def test_two_queries_at_any_size(self, client, django_assert_num_queries, matching_titles):
        for n in range(matching_titles):
            PaperFactory(title=f"Router study {n}")

        with django_assert_num_queries(2):  # the ids, then their titles
            response = client.get("/papers/suggest/", {"q": "route"})

        assert len(response.json()["results"]) == min(matching_titles, 10)


class TestIndexStaysCurrent:
    def test_an_admin_edit_is_searchable_at_once(self, admin_client, client, notes):
        paper = notes["moe"]
        admin_client.post(
            f"/admin/papers/paper/{paper.pk}/change/", paper_form(paper, title="Capybara routing")
        )

        assert found(client, "capybara") == ["Capybara routing"]
        assert found(client, '"routers without auxiliary"') == []

    def test_topic_changes_rename_and_merge(self, admin_client, client, notes):
        paper = notes["rlhf"]
        paper.topics.add(TopicFactory(name="Wombats"))
        assert found(client, "wombats") == [paper.title]

        topic = Topic.objects.get(name="Wombats")
        admin_client.post(f"/admin/papers/topic/{topic.pk}/change/", {"name": "Numbats", "slug": topic.slug})
        assert found(client, "numbats") == [paper.title]
        assert found(client, "wombats") == []

        kept = Topic.objects.get(name="LLM")
        admin_client.post(
            "/admin/papers/topic/",
            {"action": "merge", "_selected_action": [kept.pk, topic.pk], "into": kept.pk, "apply": "1"},
        )
        assert found(client, "numbats") == []

    def test_bulk_actions_and_imports_are_indexed(self, admin_client, client, notes):
        admin_client.post(
            "/admin/papers/paper/",
            {
                "action": "add_topic",
                "_selected_action": [notes["moe"].pk],
                "topic": "Pangolins",
                "apply": "1",
            },
        )
        assert found(client, "pangolins") == [notes["moe"].title]

    def test_a_deleted_paper_is_gone_from_the_index(self, client, notes):
        notes["moe"].delete()

        assert found(client, "router") == []


def test_the_admin_search_uses_the_index_and_finds_drafts(admin_client, notes):
    draft = PaperFactory(title="Unfinished", body="A note about capybaras.", draft=True)

    response = admin_client.get("/admin/papers/paper/", {"q": "capybara"})

    assert [paper.pk for paper in response.context["cl"].result_list] == [draft.pk]
    arxiv = PaperFactory(arxiv_id="2501.99999")
    response = admin_client.get("/admin/papers/paper/", {"q": "2501.99999"})
    assert arxiv in response.context["cl"].result_list


def explain(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny tables are cheaper to scan: forbid it, to see that the GIN index serves.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_finds_matches_with_the_gin_index(notes):
    plan = explain(*hits_sql(search_query.parse("router")))

    assert "Bitmap Index Scan on papers_papersearch_vector_idx" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_finds_matches_with_the_fts5_index(notes):
    plan = explain(*hits_sql(search_query.parse("router")))

    assert "VIRTUAL TABLE INDEX" in plan and "papers_paper_fts" in plan


class TestParse:
    def test_words_phrases_or_and_exclusions(self):
        query = search_query.parse('deep "mixture of experts" router OR gating -dense', prefix_last=False)

        assert [[t.words for t in group] for group in query.groups] == [
            [("deep",)],
            [("mixture", "of", "experts")],
            [("router",), ("gating",)],
        ]
        assert [t.words for t in query.excluded] == [("dense",)]

    def test_chinese_runs_become_pairs_and_mixed_words_split(self):
        (group,) = search_query.parse("深度学习", prefix_last=False).groups
        assert group[0].tokens == ("深度", "度学", "学习")
        (group,) = search_query.parse("GPT模型", prefix_last=False).groups
        assert group[0].tokens == ("gpt", "模型")

    def test_operators_of_the_databases_are_plain_text(self):
        query = search_query.parse("NEAR(a b) title:x c* ^d", prefix_last=False)

        assert all(token.isalnum() for term in query.terms for token in term.tokens)
        assert '"near a"' in search_query.fts5_expression(query)

    def test_prefix_only_for_the_last_bare_word_of_two_letters_or_more(self):
        assert search_query.parse("router bal").groups[-1][0].prefix
        assert not search_query.parse("router b").groups[-1][0].prefix
        assert not search_query.parse('"router bal"').groups[-1][0].prefix
        assert not search_query.parse("router bal ").groups[-1][0].prefix

    def test_expressions_for_each_database(self):
        query = search_query.parse('a "b c" OR d -e ff', prefix_last=True)

        assert search_query.fts5_expression(query) == '(("a") AND ("b c" OR "d") AND ("ff"*)) NOT "e"'
        expected = "(('a')) & (('b' <-> 'c') | ('d')) & (('ff':*)) & !('e')"
        assert search_query.tsquery_expression(query) == expected

    def test_phrases_every_match_must_hold(self):
        query = search_query.parse('"b c" a-b OR d 深度学习 "e f" -"g h" tran', prefix_last=True)

        # Not a phrase in an OR group, nor an excluded one; CJK pairs are a phrase.
        assert search_query.phrases(query) == ["b c", "深度 度学 学习", "e f"]
        assert search_query.phrases(search_query.parse("tra", prefix_last=True)) == []

    def test_a_tier_looks_for_the_words_in_its_text_and_excludes_from_the_whole_note(self):
        query = search_query.parse('a OR b -e -"f g"', prefix_last=False)

        expected = '(({title tags} : (("a" OR "b"))) NOT "e") NOT "f g"'
        assert search_query.fts5_expression(query, columns="title tags") == expected
        assert search_query.tsquery_parts(query) == ("(('a') | ('b'))", "(('e') | ('f' <-> 'g'))")
        assert search_query.tsquery_parts(search_query.parse("a"))[1] is None


def test_results_come_a_page_at_a_time_in_one_order(client, settings):
    settings.SEARCH_RESULTS_PER_PAGE = 3
    for n in range(7):
        PaperFactory(title=f"Quokka {n}", summary="quokka" if n % 2 else "")

    pages = [found(client, "quokka", page=number) for number in (1, 2, 3)]

    assert [len(page) for page in pages] == [3, 3, 1]
    titles = [title for page in pages for title in page]
    assert sorted(titles) == sorted(f"Quokka {n}" for n in range(7))
    assert found(client, "quokka", page=99) == pages[2]  # past the end: the last page
    assert found(client, "quokka", page="x") == pages[0]


class TestMatchLimit:
    """A search lists and counts at most SEARCH_MATCH_LIMIT matches: the best ones."""

    @pytest.fixture
    def many(self, settings):
        settings.SEARCH_MATCH_LIMIT = 3
        settings.SEARCH_RESULTS_PER_PAGE = 2
        now = timezone.now()
        recent, older = VenueFactory(name="RECENT2026"), VenueFactory(name="OLDER2024")
        days_ago = lambda days: now - timedelta(days=days)  # noqa: E731
        notes = {
            "old title": PaperFactory(title="Old quokka", venue=older, published_at=days_ago(90)),
            "new title": PaperFactory(title="New quokka", venue=recent, published_at=days_ago(80)),
        }
        for day in range(4):
            notes[f"body {day}"] = PaperFactory(
                title=f"Body {day}", body="A quokka.", venue=recent, published_at=now - timedelta(days=day)
            )
        notes["old body"] = PaperFactory(
            title="Old body", body="A quokka.", venue=older, published_at=now - timedelta(days=60)
        )
        return notes

    def test_the_best_are_listed_in_order_and_the_excess_is_said(self, client, many):
        pages = [client.get(LIST, {"q": "quokka", "page": number}) for number in (1, 2, 3)]

        assert [paper_titles(page) for page in pages] == [
            ["New quokka", "Old quokka"],  # titles first, however old
            ["Body 0"],  # then the newest body match; the other four are not listed
            ["Body 0"],  # past the end: the last page
        ]
        assert "More than 3 paper notes match “quokka”" in text_of(pages[0].content.decode())

    def test_the_counts_are_those_of_the_listed_notes(self, client, many):
        groups = dict(client.get(LIST, {"q": "quokka"}).context["facet_groups"])

        assert {name: count for name, count, _, _ in groups["Venues"]} == {"RECENT2026": 2, "OLDER2024": 1}

    def test_narrowing_finds_everything_in_the_narrower_set(self, client, many):
        groups = dict(client.get(LIST, {"q": "quokka"}).context["facet_groups"])
        url = next(url for name, _, url, _ in groups["Venues"] if name == "OLDER2024")

        response = client.get(LIST + url)

        assert paper_titles(response) == ["Old quokka", "Old body"]  # the old body match too
        assert "2 paper notes match “quokka”" in text_of(response.content.decode())

    def test_a_search_within_the_limit_counts_exactly(self, client, many):
        response = client.get(LIST, {"q": "quokka", "venue": "RECENT2026", "page": 3})

        assert "More than 3 paper notes match" in text_of(response.content.decode())  # 5 match
        assert paper_titles(client.get(LIST, {"q": '"new quokka"'})) == ["New quokka"]
        assert "1 paper note match" in text_of(client.get(LIST, {"q": '"new quokka"'}).content.decode())

    def test_another_order_sorts_the_listed_notes(self, client, many):
        titles = [title for number in (1, 2) for title in found(client, "quokka", sort="title", page=number)]

        assert titles == ["Body 0", "New quokka", "Old quokka"]

    @pytest.mark.parametrize("matches", [2, 40])
    def test_the_query_count_is_fixed(self, client, settings, django_assert_num_queries, matches):
        settings.SEARCH_MATCH_LIMIT = 5
        for n in range(matches):
            PaperFactory(title=f"Quokka {n}", body="quokka")

        with django_assert_num_queries(5):  # the form's choices (3), the search and its counts, the page
            response = client.get(LIST, {"q": "quokka", "page": 2})

        assert response.status_code == 200


def plan_nodes(node):
    """A JSON plan's node and every node under it."""
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


def postgresql_plan(sql, params, *, forbid):
    """The plan of `sql`, with the plan kinds in `forbid` priced out."""
    with transaction.atomic(), connection.cursor() as cursor:
        for kind in forbid:
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_keeps_each_vector_as_its_text_reads(notes):
    note = ["title", "tags", "summary", "body"]

    def parsed(column):
        return f"to_tsvector('english'::regconfig, {column})"

    weighted = [
        f"setweight({parsed(column)}, '{weight}')" for column, weight in zip(note, "ABCD", strict=True)
    ]
    head = " || ".join(weighted[:3])
    expected = {
        "vector": " || ".join(weighted),
        "head_vector": head,
        "title_vector": parsed("title"),
        "title_tags_vector": f"{parsed('title')} || {parsed('tags')}",
        "phrase_pairs": f"papers_adjacent_pairs({' || '.join(parsed(column) for column in note)})",
    }
    same = " AND ".join(f"{column} = {sql}" for column, sql in expected.items())
    paper = notes["moe"]

    def as_read():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {same}, body FROM papers_papersearch WHERE paper_id = %s", [paper.pk])  # noqa: S608
            same_vectors, body = cursor.fetchone()
            return same_vectors, body.split()[-1]

    assert as_read() == (True, "entropy")
    # Written by the admin (rows replaced) or by SQL (rows updated): made again either way.
    paper.body = "Routers rewritten from scratch."
    paper.save()
    assert as_read() == (True, "scratch")
    PaperSearch.objects.filter(paper=paper).update(body="Experts updated in place.")
    assert as_read() == (True, "place.")
    assert list(search.matching(Paper.objects.all(), search_query.parse("updated place"))) == [paper]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.parametrize(
    ("tier", "index"),
    [
        (0, "papers_papersearch_title_vector_idx"),
        (1, "papers_papersearch_title_tags_vector_idx"),
        (2, "papers_papersearch_head_vector_idx"),
        (3, "papers_papersearch_vector_idx"),
    ],
)
def test_postgresql_has_a_gin_index_for_each_tier(notes, tier, index):
    condition, params = search.tier_condition(search_query.parse("router"), tier)

    # Tiny tables are cheaper to scan, or to walk whole in the titles' index-only walk:
    # both are priced out, to see that the GIN index serves.
    sql = f"SELECT s.paper_id FROM papers_papersearch s WHERE {condition}"  # noqa: S608
    plan = postgresql_plan(sql, params, forbid=["seqscan", "indexonlyscan"])

    assert f"Bitmap Index Scan on {index}" in plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.parametrize(
    ("tier", "index"),
    [
        (0, "papers_papersearch_newest_title_idx"),
        (1, "paper_public_newest_idx"),
        (2, "paper_public_newest_idx"),
        (3, "paper_public_newest_idx"),
    ],
)
@pytest.mark.parametrize("q", ["router", "router -hacking"])
def test_postgresql_can_walk_public_papers_newest_first(notes, tier, index, q):
    public, params = search._sql(Paper.objects.published(), search.FILTERED_FIELDS)
    sql, tier_params = search.tier_sql(search_query.parse(q), tier, limit=21)

    # What a common word gets: papers newest first from the index, each tested, until
    # there are enough. On a few rows a sort is cheaper: sorts are priced out, to see
    # that the index gives that order (a sort of rows read from another index in part of
    # that order, too).
    sql = f"WITH filtered AS ({public}) {sql}"
    walk = postgresql_plan(
        sql, [*params, *tier_params], forbid=["seqscan", "bitmapscan", "sort", "incremental_sort"]
    )

    assert index in walk and "Sort" not in walk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_saves_a_title_whose_vector_is_too_long_for_the_titles_index(client):
    # 250 single Chinese characters: a vector of about 3,000 bytes, more than an entry of
    # the titles' B-tree index holds. The vector stops at the start of the title.
    characters = [chr(0x4E00 + 7 * n) for n in range(250)]
    paper = PaperFactory(title=" ".join(characters)[:500])

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(title_vector), length(title_vector), length(title_tags_vector)"
            " FROM papers_papersearch WHERE paper_id = %s",
            [paper.pk],
        )
        size, title_words, title_and_tags_words = cursor.fetchone()
    assert size <= 2000 and 0 < title_words < title_and_tags_words
    # Found by its first character in the titles' tier, by its last in the next one.
    assert found(client, characters[0]) == [paper.title]
    assert found(client, characters[-1]) == [paper.title]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_postgresql_tests_titles_in_the_index_it_walks(notes):
    public, params = search._sql(Paper.objects.published(), search.FILTERED_FIELDS)
    sql, tier_params = search.tier_sql(search_query.parse("router"), 0, limit=21)

    sql = f"WITH filtered AS ({public}) {sql}"
    walk = postgresql_plan(sql, [*params, *tier_params], forbid=["seqscan", "bitmapscan", "sort"])

    assert "Index Only Scan using papers_papersearch_newest_title_idx" in walk


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
@pytest.mark.parametrize("q", ["router", "router -hacking"])
def test_sqlite_reads_each_tier_newest_first_from_fts5(notes, q):
    public, params = search._sql(Paper.objects.published(), search.FILTERED_FIELDS)
    for tier in search.TIERS:
        sql, tier_params = search.tier_sql(search_query.parse(q), tier, limit=21)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN WITH filtered AS ({public}) {sql}", [*params, *tier_params])
            plan = "\n".join(str(row[-1]) for row in cursor.fetchall())

        assert "VIRTUAL TABLE INDEX" in plan and "_fts" in plan
        assert "TEMP B-TREE" not in plan  # read in order, not sorted


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
def test_sqlite_indexes_prefixes_of_up_to_four_letters_and_keeps_its_triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE name LIKE 'papers_paper%fts' OR type = 'trigger'"
        )
        schema = dict(cursor.fetchall())

    for table in ["papers_paper_fts", "papers_paper_head_fts"]:
        assert "prefix='2 3 4'" in schema[table]
    assert {"papers_papersearch_ai", "papers_papersearch_ad", "papers_papersearch_au"} <= set(schema)


class TestPhrases:
    """A phrase is found the same way whichever way the database reads it. On PostgreSQL
    the whole note's tier walks the newest notes, and when those hold too few matches,
    reads the notes holding the phrase's pairs of words (migration 0011)."""

    @pytest.fixture
    def phrased(self):
        now = timezone.now()
        texts = {
            "next to each other": "The sampler takes two steps before it stops.",
            "a stop word between": "Each sampler takes steps in order.",
            "in another order": "Two steps are what the sampler takes.",
            "far apart": "Steps matter. Much later, the sampler takes a break.",
            "title only": "Nothing here.",
        }
        papers = {}
        for days, (name, body) in enumerate(texts.items()):
            title = "Sampler takes steps" if name == "title only" else f"Note {name}"
            papers[name] = PaperFactory(title=title, body=body, published_at=now - timedelta(days=days + 1))
        return papers

    @pytest.mark.parametrize(
        ("q", "expected"),
        [
            ('"sampler takes steps"', ["title only", "a stop word between"]),
            ('"sampler takes two steps"', ["next to each other"]),
            ('"steps in order"', ["a stop word between"]),
            (
                '"sampler takes"',
                ["title only", "next to each other", "a stop word between", "in another order", "far apart"],
            ),
            (
                '"sampler takes" -break',
                ["title only", "next to each other", "a stop word between", "in another order"],
            ),
            ('"two steps" "sampler takes"', ["next to each other", "in another order"]),
        ],
    )
    def test_in_that_order_tier_by_tier(self, client, phrased, q, expected):
        titles = found(client, q)

        assert titles == [phrased[name].title for name in expected]

    def test_a_phrase_of_stop_words_is_answered(self, client, phrased):
        response = client.get(LIST, {"q": '"at all the"'})

        assert response.status_code == 200
        assert paper_titles(response) == []
        assert "0 paper notes match “&quot;at all the&quot;”" in response.content.decode()

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
    @pytest.mark.parametrize(
        "q", ['"sampler takes"', '"sampler takes" -break', '"two steps" "sampler takes"']
    )
    def test_postgresql_walk_and_pairs_find_the_same_notes(self, phrased, monkeypatch, q):
        query = search_query.parse(q)
        public, public_params = search._sql(Paper.objects.published(), search.FILTERED_FIELDS)

        def whole_note_tier(walks, limit):
            monkeypatch.setattr(search, "PHRASE_WALK", walks)
            sql, params = search.tier_sql(query, 3, limit=limit)
            with connection.cursor() as cursor:
                cursor.execute(f"WITH filtered AS ({public}) {sql}", [*public_params, *params])
                return [row[0] for row in cursor.fetchall()]

        with connection.cursor() as cursor:
            condition, params = search.tier_condition(query, 3)
            cursor.execute(
                f"""SELECT p.id FROM papers_paper p JOIN papers_papersearch s ON s.paper_id = p.id
                WHERE {condition} ORDER BY p.published_at DESC""",  # noqa: S608
                params,
            )
            every_match = [row[0] for row in cursor.fetchall()]

        assert len(every_match) >= 2
        assert sorted(whole_note_tier((0, 0), 100)) == sorted(every_match)  # read through the pairs
        assert sorted(whole_note_tier((0, 0), 2)) == sorted(every_match[:2])
        assert sorted(whole_note_tier((1000, 1000), 2)) == sorted(
            every_match[:2]
        )  # the first walk found enough
        assert sorted(whole_note_tier((0, 1000), 2)) == sorted(every_match[:2])  # the longer walk did
        # A first walk that finds some of them, then the longer one: the same notes, from
        # the walks alone (with no pairs to read, the index of pairs cannot make up for a
        # match the longer walk left out).
        with connection.cursor() as cursor:
            cursor.execute("UPDATE papers_papersearch SET phrase_pairs = '{}'")
        assert sorted(whole_note_tier((1, 1000), len(every_match))) == sorted(every_match)

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
    @pytest.mark.parametrize("tier", search.TIERS)
    def test_postgresql_tests_the_pairs_notes_newest_first_until_enough_match(self, monkeypatch, tier):
        monkeypatch.setattr(search, "PHRASE_WALK", (0, 0))  # the whole note's tier reads the pairs too
        now = timezone.now()
        newest = [
            PaperFactory(
                title=f"Sampler takes steps {n}",
                body="The sampler takes steps.",
                published_at=now - timedelta(days=n + 1),
            )
            for n in range(30)
        ]
        query = search_query.parse('"sampler takes steps"')
        public, public_params = search._sql(Paper.objects.published(), search.FILTERED_FIELDS)
        sql, params = search.phrase_tier_sql(query, tier, limit=3)

        with transaction.atomic(), connection.cursor() as cursor:
            # Statistics of these notes, whatever tests ran before, and no whole-table reads,
            # which on so few rows would cost the planner next to nothing.
            cursor.execute("ANALYZE papers_paper, papers_papersearch")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            cursor.execute(
                f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) "
                f"WITH filtered AS NOT MATERIALIZED ({public}) {sql}",
                [*public_params, *params],
            )
            plan = cursor.fetchone()[0]
            cursor.execute(f"WITH filtered AS NOT MATERIALIZED ({public}) {sql}", [*public_params, *params])
            ids = [row[0] for row in cursor.fetchall()]

        assert ids == [paper.pk for paper in newest[:3]]
        tests = [node for node in plan_nodes(plan[0]["Plan"]) if "<->" in node.get("Filter", "")]
        assert tests  # the phrase is tested note by note,
        assert sum(node["Actual Loops"] for node in tests) == 3  # on the 3 newest of the 30 found only

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
    def test_postgresql_keeps_the_pairs_of_words_one_and_two_apart(self):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT papers_adjacent_pairs(to_tsvector('english', %s)), "
                "ARRAY(SELECT hashtext(unnest(%s::text[])))",
                [
                    "Open a study of steps 2 samplers",
                    ["2 sampler", "open _ studi", "step 2", "step _ sampler", "studi _ step"],
                ],
            )
            pairs, expected = cursor.fetchone()

        assert sorted(pairs) == sorted(expected)  # kept as hashes of the pairs

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
    def test_postgresql_reads_the_pairs_from_their_index(self, phrased, monkeypatch):
        monkeypatch.setattr(search, "PHRASE_WALK", (0, 0))
        public, params = search._sql(Paper.objects.published(), search.FILTERED_FIELDS)
        sql, tier_params = search.tier_sql(search_query.parse('"sampler takes two steps"'), 3, limit=21)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE papers_paper, papers_papersearch")  # whatever tests ran before

        # On these few rows, reading every search row, newest first or not, costs next to
        # nothing; among many, those reads cost what the few holding the pairs do not.
        plan = postgresql_plan(
            f"WITH filtered AS ({public}) {sql}", [*params, *tier_params], forbid=["seqscan", "indexscan"]
        )

        assert "Bitmap Index Scan on papers_papersearch_phrase_pairs_idx" in plan
