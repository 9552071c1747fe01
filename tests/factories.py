import datetime as dt

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from chains.models import ChainLeaderAppointment, ChainSegment, Industry, IndustryChain
from partners.models import Carrier, ContactPerson, Partner, QualificationTag
from partners.uscc import with_check_character
from projects.models import Event, Project


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户 {n}")
    is_staff = True
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            # get_or_create: a transactional test's flush also empties the migration's groups
            self.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in extracted))


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry

    name = factory.Sequence(lambda n: f"测试产业 {n}")
    kind = Industry.Kind.LEADING


class ChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryChain

    name = factory.Sequence(lambda n: f"测试产业链 {n}")
    industry = factory.SubFactory(IndustryFactory)


class SegmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainSegment

    chain = factory.SubFactory(ChainFactory)
    name = factory.Sequence(lambda n: f"环节 {n}")
    position = factory.Sequence(lambda n: n + 1)


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier

    name = factory.Sequence(lambda n: f"测试楼宇 {n}")
    kind = Carrier.Kind.BUILDING


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationTag

    name = factory.Sequence(lambda n: f"测试标签 {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"测试活动 {n}")
    date = dt.date(2024, 4, 23)
    kind = Event.Kind.CONFERENCE


def sample_code(n: int) -> str:
    """A valid, obviously synthetic code (organisation code 0000…)."""
    return with_check_character(f"911101060000{n:05d}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    uscc = factory.Sequence(lambda n: sample_code(70000 + n))
    name = factory.Sequence(lambda n: f"测试科技有限公司 {n:03d}")
    short_name = factory.Sequence(lambda n: f"测试{n:03d}")
    organisation_type = Partner.OrganisationType.PRIVATE
    joined_on = dt.date(2023, 3, 30)

    @factory.post_generation
    def industries(self, create, extracted, **kwargs):
        if create and extracted:
            self.industries.set(extracted)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    phone = factory.Sequence(lambda n: f"1390000{n:04d}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChainLeaderAppointment

    partner = factory.SubFactory(PartnerFactory)
    chain = factory.SubFactory(ChainFactory)
    year = 2024


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"测试项目 {n}")
    code = factory.Sequence(lambda n: f"T-{n:04d}")
    kind = Project.Kind.INDUSTRIAL
