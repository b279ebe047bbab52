"""Links made before a slug changed still lead to the page, with a permanent redirect."""

import pytest

from papers.services import delete_topics, merge_topics
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return PaperFactory(title="Moving note", slug="moving-note", topics=["Old topic"])


def renamed(obj, slug):
    obj.slug = slug
    obj.save()
    return obj


def assert_moved(client, old, new):
    response = client.get(old)
    assert response.status_code == 301, old
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_a_renamed_topic_page_and_feed(client, paper):
    topic = paper.topics.get()
    old = topic.slug
    renamed(topic, "new-topic")

    assert_moved(client, f"/topics/{old}/", "/topics/new-topic/")
    assert_moved(client, f"/topics/{old}/?page=1", "/topics/new-topic/?page=1")
    assert_moved(client, f"/feeds/topics/{old}.atom", "/feeds/topics/new-topic.atom")


def test_a_renamed_venue_and_area_everywhere_they_appear(client, paper):
    old_venue, old_area = paper.venue.slug, paper.area.slug
    venue = renamed(paper.venue, "RENAMED2026")
    area = renamed(paper.area, "renamed_area")

    assert_moved(client, f"/{old_venue}/", f"/{venue.slug}/")
    assert_moved(client, f"/{old_venue}/{old_area}/", f"/{venue.slug}/{area.slug}/")
    assert_moved(client, f"/areas/{old_area}/", f"/areas/{area.slug}/")
    assert_moved(client, f"/feeds/venues/{old_venue}.atom", f"/feeds/venues/{venue.slug}.atom")
    assert_moved(client, f"/{old_venue}/{old_area}/moving-note/", f"/{venue.slug}/{area.slug}/moving-note/")


def test_a_renamed_note_and_its_citation(client, paper):
    base = f"/{paper.venue.slug}/{paper.area.slug}"
    renamed(paper, "moved-note")

    assert_moved(client, f"{base}/moving-note/", f"{base}/moved-note/")
    assert_moved(client, f"{base}/moving-note/cite.bib", f"{base}/moved-note/cite.bib")


def test_a_note_moved_to_another_venue_and_area(client, paper):
    old = paper.get_absolute_url()
    paper.venue = VenueFactory(name="ELSEWHERE2026")
    paper.area = AreaFactory(slug="elsewhere")
    paper.save()

    assert_moved(client, old, "/ELSEWHERE2026/elsewhere/moving-note/")


def test_a_note_that_is_no_longer_public_is_not_found_under_any_slug(client, paper):
    base = f"/{paper.venue.slug}/{paper.area.slug}"
    paper.status = paper.Status.DRAFT
    renamed(paper, "secret-new-slug")

    response = client.get(f"{base}/moving-note/")

    assert response.status_code == 404
    assert b"secret-new-slug" not in response.content


def test_a_topic_merged_into_another_leads_to_it(client, paper):
    topic = paper.topics.get()
    duplicate = TopicFactory(name="Old topics")
    PaperFactory(title="Filed twice", venue=paper.venue, area=paper.area).topics.add(duplicate)

    merge_topics([duplicate], topic)

    assert_moved(client, "/topics/old-topics/", f"/topics/{topic.slug}/")


def test_what_is_gone_or_never_was_is_not_found(client, paper, django_assert_max_num_queries):
    gone = TopicFactory(name="Gone soon")
    paper.topics.add(gone)
    delete_topics([gone])

    assert client.get("/topics/gone-soon/").status_code == 404
    with django_assert_max_num_queries(8):
        assert client.get("/topics/never-was/").status_code == 404
    assert client.get(f"/{paper.venue.slug}/{paper.area.slug}/never-was/").status_code == 404
    assert client.get("/NOWHERE2020/").status_code == 404


def test_a_slug_taken_again_leads_to_its_new_holder(client, paper):
    topic = paper.topics.get()
    old = topic.slug
    renamed(topic, "new-topic")
    another = PaperFactory(title="Another", venue=paper.venue, area=paper.area)
    another.topics.add(TopicFactory(name="Taker", slug=old))

    response = client.get(f"/topics/{old}/")

    assert response.status_code == 200
    assert b"Another" in response.content


def test_only_pages_are_redirected_not_posts(client, paper):
    topic = paper.topics.get()
    old = topic.slug
    renamed(topic, "new-topic")

    assert client.post(f"/topics/{old}/").status_code in (404, 405)


@pytest.mark.parametrize(
    "path", ["/topics/a%00b/", "/areas/a%00b/", "/X%00Y/", "/X/y/a%00b/", "/topics/" + "x" * 3000 + "/"]
)
def test_bad_addresses_are_simply_not_found(client, paper, path):
    assert client.get(path).status_code == 404
