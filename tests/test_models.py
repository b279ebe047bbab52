"""Models, their constraints, and what counts as public."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError
from django.utils import timezone

from papers.models import Paper
from tests.factories import AreaFactory, PaperFactory, TopicFactory, VenueFactory
from venues.models import Venue

pytestmark = pytest.mark.django_db


def test_string_forms_and_urls():
    paper = PaperFactory(
        venue=VenueFactory(name="ICML2025"), area=AreaFactory(slug="llm_pretraining"), slug="x-1"
    )
    topic = TopicFactory(name="Alignment/RLHF")

    assert str(paper.venue) == "ICML2025"
    assert paper.venue.get_absolute_url() == "/ICML2025/"
    assert paper.area.get_absolute_url() == "/areas/llm_pretraining/"
    assert paper.get_absolute_url() == "/ICML2025/llm_pretraining/x-1/"
    assert str(topic) == "Alignment/RLHF"
    assert topic.get_absolute_url() == "/topics/alignmentrlhf/"


@pytest.mark.parametrize("slug", ["papers", "areas", "topics", "admin", "static", "feeds", "Admin", "PAPERS"])
def test_venue_slug_cannot_take_a_site_path(slug):
    venue = Venue(name=f"Venue {slug}", slug=slug)

    with pytest.raises(ValidationError) as error:
        venue.full_clean()
    assert "one of the site's own paths" in str(error.value)

    with pytest.raises(IntegrityError), transaction.atomic():
        venue.save()


def test_venue_slug_keeps_its_case():
    venue = VenueFactory(name="NeurIPS2025")

    venue.full_clean()
    assert Venue.objects.get(slug="NeurIPS2025") == venue


def test_paper_slug_is_unique_per_venue_only():
    first = PaperFactory(slug="same")
    PaperFactory(slug="same")  # another venue: fine

    duplicate = Paper(venue=first.venue, area=first.area, title="Other", slug="same")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already exists in this venue" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize("value", [0, 6])
def test_ratings_run_from_one_to_five(value):
    paper = PaperFactory.build(venue=VenueFactory(), area=AreaFactory(), rating_value=value)

    with pytest.raises(ValidationError):
        paper.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        paper.save()


def test_invalid_status_and_presentation_are_refused_by_the_database():
    for field, value in [("status", "gone"), ("presentation", "keynote")]:
        paper = PaperFactory.build(venue=VenueFactory(), area=AreaFactory(), **{field: value})
        with pytest.raises(IntegrityError), transaction.atomic():
            paper.save()


def test_lengths_fit_real_data():
    title = "T" * 500
    slug = "φ-α-ö-" + "x" * 249
    paper = PaperFactory(title=title, slug=slug, authors="A. Author, " * 500, keywords="k, " * 2000)

    paper.full_clean()
    paper.refresh_from_db()
    assert paper.title == title
    assert paper.slug == slug


def test_published_is_what_the_public_may_see():
    now = timezone.now()
    public = PaperFactory()
    PaperFactory(draft=True)
    PaperFactory(in_review=True)
    PaperFactory(scheduled=True)
    PaperFactory(published_at=None)
    just_now = PaperFactory(published_at=now - timedelta(seconds=1))

    assert set(Paper.objects.published()) == {public, just_now}


def test_title_order_is_lower_cased_and_character_by_character_on_every_database():
    titles = ["Zeta", "alpha", "Über", "ueber", "Beta", "éclair", "Äpfel", "10 tricks", "_under", "a b"]
    for i, title in enumerate(titles):
        PaperFactory(title=title, slug=f"t{i}")

    ordered = list(Paper.objects.in_title_order().values_list("title", flat=True))

    assert ordered == sorted(titles, key=str.lower)
    assert ordered == [
        "10 tricks",
        "_under",
        "a b",
        "alpha",
        "Beta",
        "ueber",
        "Zeta",
        "Äpfel",
        "éclair",
        "Über",
    ]


def test_title_sort_follows_title_changes():
    paper = PaperFactory(title="Zeta")
    paper.title = "Alpha"
    paper.save()

    assert Paper.objects.values_list("title_sort", flat=True).get(pk=paper.pk) == "alpha"


def test_publication_times_are_saved_in_whole_seconds_by_every_write():
    moment = timezone.now().replace(microsecond=654321)
    whole = moment.replace(microsecond=0)

    saved = PaperFactory(published_at=moment)
    assert saved.published_at == whole  # the instance too, not only its row
    [created] = Paper.objects.bulk_create([PaperFactory.build(venue=saved.venue, area=saved.area, slug="b")])
    Paper.objects.filter(pk=created.pk).update(published_at=moment + timedelta(seconds=1))
    saved.published_at = moment + timedelta(seconds=2)
    Paper.objects.bulk_update([saved], ["published_at"])

    stored = dict(Paper.objects.values_list("pk", "published_at"))
    assert stored == {saved.pk: whole + timedelta(seconds=2), created.pk: whole + timedelta(seconds=1)}
    # Compared with an exact time, not one cut to the second.
    assert not Paper.objects.filter(pk=created.pk, published_at__gte=moment + timedelta(seconds=1)).exists()


@contextmanager
def migrated_back_to(target):
    """The database at migration `target` (of papers) inside, with the models of that
    time; at the latest migrations again after, whatever happens."""
    executor = MigrationExecutor(connection)
    executor.migrate([("papers", target)])
    try:
        yield executor.loader.project_state(("papers", target)).apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_cuts_times_saved_before_to_whole_seconds():
    paper = PaperFactory()
    moment = timezone.now().replace(microsecond=250000)

    with migrated_back_to("0014_content_notifications") as apps:
        old_paper = apps.get_model("papers", "Paper")
        old_paper.objects.filter(pk=paper.pk).update(published_at=moment)
        assert old_paper.objects.get(pk=paper.pk).published_at == moment

    assert Paper.objects.get(pk=paper.pk).published_at == moment.replace(microsecond=0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_the_migration_fits_long_titles_saved_before_into_the_titles_index():
    paper = PaperFactory()
    title = " ".join(chr(0x4E00 + 7 * n) for n in range(250))[:500]

    with migrated_back_to("0014_content_notifications") as apps:
        apps.get_model("papers", "PaperSearch").objects.filter(paper_id=paper.pk).update(title=title)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(title_vector) FROM papers_papersearch WHERE paper_id = %s", [paper.pk]
        )
        assert cursor.fetchone()[0] <= 2000


def test_rating_is_the_mean_of_the_ratings_given():
    PaperFactory(slug="full", rating_novelty=5, rating_experiments=4, rating_writing=3, rating_value=4)
    PaperFactory(slug="partial", rating_novelty=2, rating_value=5)
    PaperFactory(slug="none")

    ratings = dict(Paper.objects.with_rating().values_list("slug", "rating"))

    assert ratings == {"full": 4.0, "partial": 3.5, "none": None}


def test_deleting_a_venue_or_area_with_papers_is_refused():
    paper = PaperFactory()
    with pytest.raises(ProtectedError):
        paper.venue.delete()
    with pytest.raises(ProtectedError):
        paper.area.delete()
