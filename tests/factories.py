"""factory-boy factories for the rows tests need; services stay the way the app writes."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from help_requests.models import Comment, HelpKind, HelpRequest
from volunteers.models import POOL_CONSENT_TEXT, Area, PoolMember, PoolSignup, Role, RoleInterest

DEFAULT_PASSWORD = "correct horse battery staple"

# Factory references use a year the counter never hands out, so rows made here never clash
# with references that help_request_submit hands out in the same test.
FACTORY_YEAR = 2000


class UserFactory(factory.django.DjangoModelFactory):
    """A person who has signed up and confirmed their address (verified=False: not yet)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=obj,
                email=obj.email,
                defaults={"primary": True, "verified": extracted is not False},
            )


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


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = "web"
    label = factory.LazyAttribute(lambda o: o.code.title())


class RoleFactory(factory.django.DjangoModelFactory):
    """An open role (status and opened_at as role_save gives them); pass status=... to change."""

    class Meta:
        model = Role

    title = factory.Sequence(lambda n: f"Volunteer role #{n}")
    slug = factory.Sequence(lambda n: f"volunteer-role-{n}")
    area = factory.SubFactory(AreaFactory)
    summary = "Help the PSF with something useful."
    description = "A role with real work to do."
    skills = "Patience\nPython"
    time_commitment = "2 hours a week"
    contact_name = "Role Contact"
    contact_email = factory.Sequence(lambda n: f"contact{n}@python.org")
    status = Role.Status.OPEN
    opened_at = factory.LazyFunction(timezone.now)


class RoleInterestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleInterest

    role = factory.SubFactory(RoleFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"volunteer{n}@example.org")
    availability = "Weekends"
    needs_vetting = factory.LazyAttribute(lambda o: o.role.is_vetted)


class PoolMemberFactory(factory.django.DjangoModelFactory):
    """A confirmed, subscribed member; confirmed_at=None makes a pending sign-up."""

    class Meta:
        model = PoolMember
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.org")
    name = factory.Faker("name")
    consent_text = POOL_CONSENT_TEXT
    consented_at = factory.LazyFunction(timezone.now)
    confirmation_sent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def interests(obj, create, extracted, **kwargs):
        """`interests=["web", "events"]`: codes of Area rows (created when missing)."""
        if create and extracted:
            obj.interests.set([AreaFactory(code=code) for code in extracted])

    @factory.post_generation
    def signup(obj, create, extracted, **kwargs):
        """An unconfirmed record waits for a sign-up's link (`member.signups.get()`): one, with
        the record's details (`signup=False`: none)."""
        if create and obj.confirmed_at is None and extracted is not False:
            PoolSignup.objects.create(
                member=obj,
                name=obj.name,
                skills=obj.skills,
                frequency=obj.frequency,
                consent_text=obj.consent_text,
                areas=sorted(obj.interests.values_list("code", flat=True)),
                created_at=obj.confirmation_sent_at,
            )
