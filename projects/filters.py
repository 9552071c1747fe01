import django_filters as filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from chains.models import Industry
from chains.selectors import industry_ids_with_descendants
from core.api.fields import ModelIdFilter
from projects.models import Event, Project, Stage, StageChange


class ProjectFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label=_("search"), max_length=100)
    stage = filters.MultipleChoiceFilter(distinct=False, choices=Stage.choices, label=_("stage"))
    kind = filters.MultipleChoiceFilter(
        distinct=False, choices=Project.Kind.choices, label=_("kind")
    )
    industry = ModelIdFilter(
        queryset=Industry.objects.all(), method="by_industry", label=_("industry (and below)")
    )
    event = ModelIdFilter(
        queryset=Event.objects.all(), method="by_event", label=_("promoted or signed at")
    )
    owner = ModelIdFilter(queryset=User.objects.all(), label=_("owner"))
    investment = filters.RangeFilter(
        field_name="planned_investment", label=_("planned investment between")
    )
    is_new_quality = filters.BooleanFilter(label=_("new quality productive forces"))
    stage_changed_since = filters.IsoDateTimeFilter(
        field_name="stage_changed_at", lookup_expr="gte", label=_("stage changed since")
    )

    class Meta:
        model = Project
        fields = ()

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))

    def by_industry(self, queryset, name, industry):
        ids = industry_ids_with_descendants([industry.pk])
        through = Project.industries.through.objects.filter(
            project=OuterRef("pk"), industry__in=ids
        )
        return queryset.filter(Exists(through))

    def by_event(self, queryset, name, event):
        return queryset.filter(Q(promoted_at=event) | Q(signed_at=event))


class EventFilter(filters.FilterSet):
    date = filters.DateFromToRangeFilter()

    class Meta:
        model = Event
        fields = ("kind",)


class StageChangeFilter(filters.FilterSet):
    changed_since = filters.IsoDateTimeFilter(field_name="changed_at", lookup_expr="gte")

    class Meta:
        model = StageChange
        fields = ("project", "to_stage", "changed_by")
