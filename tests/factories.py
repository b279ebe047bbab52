"""factory_boy factories: a published paper in a venue and an area by default."""

from datetime import timedelta

import factory
from django.utils import timezone

from papers.models import Paper, Topic
from venues.models import Area, Venue


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"CONF{2000 + n}")
    slug = factory.LazyAttribute(lambda venue: venue.name)
    emoji = "🧪"
    series = "CONF"
    year = 2025
    position = factory.Sequence(lambda n: n)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area_{n}")
    emoji = "📚"
    position = factory.Sequence(lambda n: n)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["name"]

    # The slug is made from the name by taggit when the topic is saved.
    name = factory.Sequence(lambda n: f"Topic {n}")


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper
        skip_postgeneration_save = True

    venue = factory.SubFactory(VenueFactory)
    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: f"A study of widgets, part {n}")
    slug = factory.Sequence(lambda n: f"a-study-of-widgets-part-{n}")
    summary = "We look at widgets and find them useful."
    body = "## Method\n\nWidgets, carefully.\n"
    status = Paper.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Paper.Status.DRAFT)
        in_review = factory.Trait(status=Paper.Status.REVIEW)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
        )

    @factory.post_generation
    def topics(self, create, names, **kwargs):
        if create and names:
            self.topics.add(*[TopicFactory(name=name) for name in names])
