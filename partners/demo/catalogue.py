"""Reference data of the demo set: industries, chains and segments, carriers, tags, events and
the stewards' accounts."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts.roles import Role
from chains import services as chain_services
from chains.models import Industry, IndustryChain
from partners.demo import reference as ref
from partners.demo.context import DemoSet
from partners.models import Carrier, QualificationTag
from projects.models import Event

STEWARD_USERNAMES = ("staff", *(f"steward{n:02d}" for n in range(2, 9)))


def build_catalogue(demo: DemoSet) -> None:
    build_industries(demo)
    build_chains(demo)
    build_carriers(demo)
    build_tags(demo)
    build_events(demo)
    build_stewards(demo)


def build_industries(demo: DemoSet) -> None:
    for name, kind, parent, position in ref.INDUSTRIES:
        industry, created = Industry.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "parent": demo.industries[parent] if parent else None,
                "position": position,
            },
        )
        demo.count("industries", created)
        demo.industries[name] = industry


def build_chains(demo: DemoSet) -> None:
    for position, (name, industry, segments) in enumerate(ref.CHAINS, start=1):
        chain, created = IndustryChain.objects.get_or_create(
            name=name, defaults={"industry": demo.industries[industry], "position": position}
        )
        demo.count("chains", created)
        chain_services.segments_define(chain=chain, names=list(segments))
        demo.chains[name] = chain


def _carrier(demo: DemoSet, name: str, **defaults) -> Carrier:
    carrier, created = Carrier.objects.get_or_create(name=name, defaults=defaults)
    demo.count("carriers", created)
    demo.carriers.append(carrier)
    return carrier


def build_carriers(demo: DemoSet) -> None:
    zones = {name: _carrier(demo, name, kind=Carrier.Kind.ZONE) for name in ref.ZONES}
    for name, zone in ref.FEATURED_BUILDINGS:
        _carrier(demo, name, kind=Carrier.Kind.BUILDING, zone=zones.get(zone), is_featured=True)
    for name in ref.FEATURED_PARKS:
        _carrier(demo, name, kind=Carrier.Kind.PARK, is_featured=True)


def build_tags(demo: DemoSet) -> None:
    for name in ref.QUALIFICATION_TAGS:
        demo.tags[name], created = QualificationTag.objects.get_or_create(name=name)
        demo.count("tags", created)


def build_events(demo: DemoSet) -> None:
    events = {
        "first": ref.FIRST_CONFERENCE,
        "demand": ref.DEMAND_RELEASE,
        "2024": ref.CONFERENCE_2024,
    }
    for key, (name, date, kind, location) in events.items():
        demo.events[key], created = Event.objects.get_or_create(
            name=name, date=date, defaults={"kind": kind, "location": location}
        )
        demo.count("events", created)


def build_stewards(demo: DemoSet) -> None:
    """Staff accounts without a usable password; create_demo_users gives the demo one a login."""
    user_model = get_user_model()
    group = Group.objects.get(name=Role.STAFF)
    for number, username in enumerate(STEWARD_USERNAMES, start=1):
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(
                username=username,
                full_name=f"示例管家 {number:02d}",
                department="区投资促进服务中心",
                is_staff=True,
            )
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
            demo.count("stewards")
        demo.stewards.append(user)
