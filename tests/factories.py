import datetime

import factory
from django.utils import timezone

from earlyyears.models import (
    Area,
    CaseloadMembership,
    Child,
    FamilyContact,
    Role,
    Setting,
    SettingMembership,
    User,
)

PASSWORD = "correct-horse-battery-staple"


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"W{n:04d}")
    name = factory.Sequence(lambda n: f"Ward {n}")
    kind = Area.Kind.WARD
    under_5_population = 1200
    boundary = factory.LazyFunction(
        lambda: {
            "type": "Polygon",
            "coordinates": [[[-2.0, 52.0], [-1.9, 52.0], [-1.9, 52.1], [-2.0, 52.1], [-2.0, 52.0]]],
        }
    )


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Setting

    urn = factory.Sequence(lambda n: f"EY{100000 + n}")
    name = factory.Sequence(lambda n: f"Busy Bees Nursery {n}")
    provider_type = Setting.ProviderType.DAY_NURSERY
    address_line_1 = "1 High Street"
    town = "Westmoor"
    postcode = "WM1 1AA"
    area = factory.SubFactory(AreaFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = "Jones"
    role = Role.PRACTITIONER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    first_name = factory.Sequence(lambda n: f"Alex{n}")
    last_name = "Taylor"
    date_of_birth = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=2 * 365 + 30)
    )
    postcode = "WM1 2AB"
    setting = factory.SubFactory(SettingFactory)
    area = factory.SelfAttribute("setting.area")
    languages = factory.LazyFunction(lambda: ["English"])


class FamilyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FamilyContact

    child = factory.SubFactory(ChildFactory)
    name = "Jo Taylor"
    relationship = FamilyContact.Relationship.MOTHER
    mobile_phone = "+447700900123"
    sms_consent = True
    is_primary = True


def practitioner_at(setting: Setting, **kwargs) -> User:
    user = UserFactory(role=Role.PRACTITIONER, **kwargs)
    SettingMembership.objects.create(user=user, setting=setting)
    return user


def portage_worker_for(*children: Child, **kwargs) -> User:
    user = UserFactory(role=Role.PORTAGE_WORKER, **kwargs)
    for child in children:
        CaseloadMembership.objects.create(portage_worker=user, child=child)
    return user
