"""The admin opens for every model, with its search and filters; it adds, changes,
deletes and shows the history of each; and its changelists cost the same number of
queries however many rows they show."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from papers.models import Paper, Topic
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory
from tests.helpers import paper_form, text_of
from venues.models import Area, Venue

pytestmark = pytest.mark.django_db

MODELS = ["venues/venue", "venues/area", "papers/topic", "papers/paper"]

CHANGELISTS = [
    "/admin/venues/venue/",
    "/admin/venues/venue/?q=ICML",
    "/admin/venues/area/?q=pre",
    "/admin/papers/topic/?q=LLM",
    "/admin/papers/paper/",
    "/admin/papers/paper/?q=widgets&status__exact=published&presentation__exact=oral",
]


def shown(response):
    """The names of the rows a changelist shows, after its filters and search, sorted."""
    assert response.status_code == 200
    assert "errornote" not in response.content.decode()
    return sorted(str(row) for row in response.context["cl"].result_list)


def cell_texts(response, column):
    """The visible text of each cell of `column` in the changelist, in row order."""
    html = response.content.decode()
    pattern = rf'<t[dh] class="field-{re.escape(column)}[^"]*">(.*?)</t[dh]>'
    return [text_of(cell) for cell in re.findall(pattern, html, flags=re.S)]


def admin_form(obj, **changes):
    """An admin form for a venue, an area or a topic as a browser sends it."""
    data = {name: "" if value is None else value for name, value in model_to_dict(obj).items()}
    return {**data, **changes}


@pytest.fixture
def catalogue():
    """Three papers, two venues, two areas and three topics, each told apart by a filter."""
    icml = VenueFactory(name="ICML2025", series="ICML", year=2025, full_name="Machine Learning")
    neurips = VenueFactory(name="NeurIPS2024", series="NeurIPS", year=2024)
    pretraining = AreaFactory(name="Pretraining", slug="llm_pretraining")
    alignment = AreaFactory(name="Alignment", slug="alignment", description="Reward models and RLHF.")
    return {
        "scaling": PaperFactory(
            title="Scaling laws",
            venue=icml,
            area=pretraining,
            topics=["LLM"],
            presentation="oral",
            code_url="https://github.com/example/scaling",
            rating_novelty=4,
            arxiv_id="2501.01234",
            authors="Ada Lovelace, Alan Turing",
            keywords="scaling, compute",
            published_at=datetime(2024, 5, 1, tzinfo=UTC),
        ),
        "widgets": PaperFactory(
            title="Widgets",
            venue=icml,
            area=pretraining,
            presentation="poster",
            rating_value=2,
            published_at=datetime(2025, 3, 1, tzinfo=UTC),
        ),
        "hacking": PaperFactory(
            title="Reward hacking",
            venue=neurips,
            area=alignment,
            topics=["RLHF"],
            authors="Grace Hopper",
            draft=True,
            published_at=None,
        ),
        "unused": TopicFactory(name="Unused"),
        "llm": Topic.objects.get(name="LLM"),
    }


@pytest.mark.parametrize("url", CHANGELISTS)
def test_changelists_open(admin_client, url):
    PaperFactory(topics=["LLM"], presentation="oral")

    response = admin_client.get(url)

    assert response.status_code == 200
    assert "errornote" not in response.content.decode()


# Each filter of each changelist, one at a time, and its search: the rows they leave.
# The queries are formatted with the catalogue, e.g. {scaling.venue_id}.
FILTERED = [
    ("papers/paper", "", ["Reward hacking", "Scaling laws", "Widgets"]),
    ("papers/paper", "status__exact=draft", ["Reward hacking"]),
    ("papers/paper", "status__exact=published", ["Scaling laws", "Widgets"]),
    ("papers/paper", "venue__id__exact={scaling.venue_id}", ["Scaling laws", "Widgets"]),
    ("papers/paper", "area__id__exact={hacking.area_id}", ["Reward hacking"]),
    ("papers/paper", "topic={llm.slug}", ["Scaling laws"]),
    ("papers/paper", "presentation__exact=oral", ["Scaling laws"]),
    ("papers/paper", "presentation__exact=", ["Reward hacking"]),
    ("papers/paper", "has_code=yes", ["Scaling laws"]),
    ("papers/paper", "has_code=no", ["Reward hacking", "Widgets"]),
    ("papers/paper", "rated=yes", ["Scaling laws", "Widgets"]),
    ("papers/paper", "rated=no", ["Reward hacking"]),
    ("papers/paper", "published_at__year=2024", ["Scaling laws"]),
    ("papers/paper", "published_at__year=2025&published_at__month=3", ["Widgets"]),
    ("papers/paper", "q=2501.01234", ["Scaling laws"]),
    ("papers/paper", "q=Hopper", ["Reward hacking"]),
    ("papers/paper", "q=compute", ["Scaling laws"]),
    ("papers/paper", "q=Reward+hacking", ["Reward hacking"]),
    # The admin's search is the site's full-text search: the factory's body is in every note.
    ("papers/paper", "q=%22widgets+carefully%22&status__exact=draft", ["Reward hacking"]),
    ("papers/paper", "q=nothing+like+it", []),
    ("venues/venue", "series=ICML", ["ICML2025"]),  # the sidebar sends series=, not series__exact=
    ("venues/venue", "year=2024", ["NeurIPS2024"]),
    ("venues/venue", "year__exact=2025", ["ICML2025"]),
    ("venues/venue", "q=neurips", ["NeurIPS2024"]),
    ("venues/venue", "q=machine", ["ICML2025"]),
    ("venues/area", "q=pre", ["Pretraining"]),
    ("venues/area", "q=reward", ["Alignment"]),
    ("papers/topic", "in_use=yes", ["LLM", "RLHF"]),  # RLHF is on a draft only
    ("papers/topic", "in_use=no", ["Unused"]),
    ("papers/topic", "q=llm", ["LLM"]),
]


@pytest.mark.parametrize(("model", "query", "expected"), FILTERED)
def test_changelist_filters_and_search_narrow_the_rows(admin_client, catalogue, model, query, expected):
    response = admin_client.get(f"/admin/{model}/?{query.format(**catalogue)}")

    assert shown(response) == expected


@pytest.mark.parametrize("model", MODELS)
def test_every_filter_the_changelist_offers_is_tested(admin_client, catalogue, model):
    # A filter added to the admin (or a misspelt one, which Django drops) shows here.
    response = admin_client.get(f"/admin/{model}/")
    cl = response.context["cl"]
    offered = {param for spec in cl.filter_specs for param in spec.expected_parameters()}
    if cl.date_hierarchy:
        offered.add(f"{cl.date_hierarchy}__year")
    tested = {
        param.split("=")[0]
        for filtered_model, query, _ in FILTERED
        if filtered_model == model
        for param in query.split("&")
        if query and not param.startswith("q=")
    }

    # Filters with an "empty" choice also offer __isnull, tested through __exact= here.
    assert {param for param in offered if not param.endswith("__isnull")} <= tested


# Adding


@pytest.mark.parametrize("model", MODELS)
def test_add_forms_open(admin_client, model):
    assert admin_client.get(f"/admin/{model}/add/").status_code == 200


ADDED = [
    (
        Venue,
        {
            "name": "ICLR2026",
            "slug": "ICLR2026",
            "emoji": "",
            "series": "ICLR",
            "year": 2026,
            "full_name": "",
            "url": "iclr.cc",
            "position": 3,
        },
        {"slug": "ICLR2026", "year": 2026, "url": "https://iclr.cc"},  # a link without a scheme
    ),
    (
        Area,
        {"name": "Robotics", "slug": "robotics", "emoji": "", "description": "Arms and legs.", "position": 0},
        {"slug": "robotics", "description": "Arms and legs."},
    ),
    (Topic, {"name": "Diffusion", "slug": "diffusion"}, {"name": "Diffusion", "slug": "diffusion"}),
]


@pytest.mark.parametrize(("model", "data", "saved"), ADDED)
def test_adding_saves_the_object(admin_client, model, data, saved):
    url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"

    response = admin_client.post(f"{url}add/", data)

    assert response.status_code == 302
    assert response.url == url
    assert model.objects.filter(**saved).count() == 1


def test_adding_a_paper_saves_it_with_its_topics(admin_client):
    llm, rlhf = TopicFactory(name="LLM"), TopicFactory(name="RLHF")
    TopicFactory(name="Unused")

    response = admin_client.post(
        "/admin/papers/paper/add/",
        paper_form(title="Scaling laws", slug="scaling-laws", topics=[llm.pk, rlhf.pk]),
    )

    assert response.status_code == 302
    paper = Paper.objects.get(slug="scaling-laws")
    assert paper.title == "Scaling laws"
    assert sorted(topic.name for topic in paper.topics.all()) == ["LLM", "RLHF"]


# Changing, and the history of the change


def a_paper():
    # The body as the form sends it back: no trailing newline (the form strips it).
    return PaperFactory(title="Old title", body="Widgets, carefully.", topics=["LLM"])


OBJECTS = {
    "venues/venue": lambda: VenueFactory(full_name="Old name"),
    "venues/area": lambda: AreaFactory(description="Old name"),
    "papers/topic": lambda: TopicFactory(name="Old name"),
    "papers/paper": a_paper,
}


@pytest.mark.parametrize("model", MODELS)
def test_change_forms_open(admin_client, model):
    obj = OBJECTS[model]()

    response = admin_client.get(f"/admin/{model}/{obj.pk}/change/")

    assert response.status_code == 200
    assert response.context["original"] == obj


CHANGES = [
    ("venues/venue", "full_name", "Full name: Old name → New name"),
    ("venues/area", "description", "Description: Old name → New name"),
    ("papers/topic", "name", "Name: Old name → New name"),
]


@pytest.mark.parametrize(("model", "field", "change"), CHANGES)
def test_a_change_is_saved_and_listed_in_the_history(admin_client, model, field, change):
    obj = OBJECTS[model]()

    response = admin_client.post(f"/admin/{model}/{obj.pk}/change/", admin_form(obj, **{field: "New name"}))

    assert response.status_code == 302
    obj.refresh_from_db()
    assert getattr(obj, field) == "New name"
    history = admin_client.get(f"/admin/{model}/{obj.pk}/history/")
    assert history.status_code == 200
    page = text_of(history.content.decode())
    assert "Changed" in page
    assert change in page


def test_a_paper_change_is_saved_and_its_history_shows_the_old_and_new_title(admin_client):
    paper = a_paper()
    rlhf = TopicFactory(name="RLHF")

    response = admin_client.post(
        f"/admin/papers/paper/{paper.pk}/change/",
        paper_form(paper, title="New title", topics=[topic.pk for topic in paper.topics.all()] + [rlhf.pk]),
    )

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.title == "New title"
    history = admin_client.get(f"/admin/papers/paper/{paper.pk}/history/")
    assert history.status_code == 200
    latest = history.context["page_obj"][0]
    assert sorted(change["field"].lower() for change in latest.history_delta_changes) == ["title", "topics"]
    page = text_of(history.content.decode()).lower()
    assert "title: old title → new title" in page
    assert "topics: llm → llm, rlhf" in page


# Deleting


DELETABLE = {
    "venues/venue": VenueFactory,  # with no papers: papers protect their venue and area
    "venues/area": AreaFactory,
    "papers/topic": lambda: PaperFactory(topics=["LLM"]).topics.get(),
    "papers/paper": a_paper,
}


@pytest.mark.parametrize("model", MODELS)
def test_delete_is_confirmed_then_done(admin_client, model):
    obj = DELETABLE[model]()
    url = f"/admin/{model}/{obj.pk}/delete/"

    confirm = admin_client.get(url)
    response = admin_client.post(url, {"post": "yes"})

    assert confirm.status_code == 200
    assert "Are you sure" in confirm.content.decode()
    assert response.status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("model", ["venues/venue", "venues/area"])
def test_a_venue_or_area_with_papers_is_not_deleted(admin_client, model):
    paper = PaperFactory()
    obj = paper.venue if model == "venues/venue" else paper.area
    url = f"/admin/{model}/{obj.pk}/delete/"

    confirm = admin_client.get(url)
    admin_client.post(url, {"post": "yes"})

    assert "would require deleting the following protected related objects" in confirm.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).exists()


# Changelist columns


def test_paper_changelist_shows_each_papers_topics(admin_client):
    PaperFactory(title="Scaling laws", topics=["RLHF", "LLM"])
    PaperFactory(title="Widgets")

    response = admin_client.get("/admin/papers/paper/?o=1")  # by title

    assert cell_texts(response, "title") == ["Scaling laws", "Widgets"]
    topics = cell_texts(response, "topic_list")
    assert sorted(topics[0].split(", ")) == ["LLM", "RLHF"]
    assert topics[1] == "-"  # no topics: the admin's empty value


@pytest.mark.parametrize(
    ("model", "shared"),
    [("venues/venue", "venue"), ("venues/area", "area"), ("papers/topic", "topic")],
)
def test_changelists_count_public_and_all_notes(admin_client, model, shared):
    public = PaperFactory(topics=["LLM"])
    same = {"venue": public.venue, "area": public.area, "topics": ["LLM"]}
    PaperFactory(draft=True, **same)
    PaperFactory(scheduled=True, **same)  # published, but not public yet
    PaperFactory(topics=["RLHF"])  # elsewhere
    counted = {"venue": public.venue, "area": public.area, "topic": public.topics.get()}[shared]

    response = admin_client.get(f"/admin/{model}/")

    page = response.content.decode()
    assert "Public notes" in page
    assert "All notes" in page
    row = next(row for row in response.context["cl"].result_list if row.pk == counted.pk)
    assert (row.paper_count, row.paper_total) == (1, 3)
    others = [row for row in response.context["cl"].result_list if row.pk != counted.pk]
    assert [(row.paper_count, row.paper_total) for row in others] == [(1, 1)]


# Query counts


def add_papers(count):
    """`count` papers, each in its own venue and area, with a topic of its own and two shared."""
    shared = [TopicFactory(name="LLM"), TopicFactory(name="RLHF")]
    papers = PaperFactory.create_batch(count)
    for paper, own in zip(papers, TopicFactory.create_batch(count), strict=True):
        paper.topics.add(own, *shared)


def queries_of_get(client, url):
    """The queries of one GET of `url` (after one unmeasured GET, so that caches such as
    the content types' are warm for every measurement alike), and its rows."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("model", MODELS)
def test_changelist_queries_do_not_grow_with_the_rows(admin_client, model):
    url = f"/admin/{model}/"
    add_papers(5)
    few, few_rows = queries_of_get(admin_client, url)
    add_papers(55)
    many, many_rows = queries_of_get(admin_client, url)

    assert many_rows >= 60 > few_rows
    assert many == few
