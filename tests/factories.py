"""factory-boy factories for the rows tests need; services stay the way the app writes."""

import factory
from django.contrib.auth import get_user_model

from help_requests.models import Comment, HelpKind, HelpRequest

DEFAULT_PASSWORD = "correct horse battery staple"

# Factory references use a year the counter never hands out, so rows made here never clash
# with references that help_request_submit hands out in the same test.
FACTORY_YEAR = 2000


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)


class StaffFactory(UserFactory):
    email = factory.Sequence(lambda n: f"staff{n}@python.org")
    is_staff = True
    is_superuser = True


class HelpKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpKind
        django_get_or_create = ("code",)

    code = "advice"
    label = factory.LazyAttribute(lambda o: o.code.title())


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"HR-{FACTORY_YEAR}-{n:04d}")
    # token: the model's default (secrets.token_urlsafe) is what real requests get.
    type = HelpRequest.Type.HELP
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"submitter{n}@example.org")
    organisation = "PyCon Somewhere"
    area = HelpRequest.Area.EVENTS
    title = factory.Sequence(lambda n: f"Help with our meetup #{n}")
    description = "We would like some advice on running a meetup."

    @factory.post_generation
    def kinds(obj, create, extracted, **kwargs):
        """`kinds=["funding", "advice"]`: codes of HelpKind rows (created when missing)."""
        if create and extracted:
            obj.kinds.set([HelpKindFactory(code=code) for code in extracted])


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    request = factory.SubFactory(HelpRequestFactory)
    body = factory.Sequence(lambda n: f"A reply from PSF staff, number {n}.")
    is_public = True
    by_submitter = False
