"""Query-string filters of interactions, follow-ups and enterprise requests."""

import datetime as dt

import django_filters as filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import EnterpriseRequest, FollowUp, Interaction

OPEN_REQUEST = ("received", "in_progress")


def _week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


class MineFilterMixin(filters.FilterSet):
    """``mine=true``: what the signed-in user owns (or recorded)."""

    mine = filters.BooleanFilter(method="by_mine", label=_("mine"))
    mine_field = "owner"

    def by_mine(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(**{self.mine_field: self.request.user})
        return queryset.filter(condition) if value else queryset.exclude(condition)


class InteractionFilter(MineFilterMixin):
    mine_field = "recorded_by"
    occurred = filters.IsoDateTimeFromToRangeFilter(field_name="occurred_at")

    class Meta:
        model = Interaction
        fields = ("partner", "kind")


class FollowUpFilter(MineFilterMixin):
    overdue = filters.BooleanFilter(method="by_overdue", label=_("overdue"))
    due_this_week = filters.BooleanFilter(method="by_due_this_week", label=_("due this week"))

    class Meta:
        model = FollowUp
        fields = ("partner", "status", "owner")

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status="open", due_on__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def by_due_this_week(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.filter(status="open", due_on__range=(today, _week_end(today)))


class EnterpriseRequestFilter(MineFilterMixin):
    overdue = filters.BooleanFilter(method="by_overdue", label=_("overdue"))
    due_this_week = filters.BooleanFilter(method="by_due_this_week", label=_("due this week"))
    status = filters.MultipleChoiceFilter(distinct=False, choices=EnterpriseRequest.Status.choices)
    category = filters.MultipleChoiceFilter(
        distinct=False, choices=EnterpriseRequest.Category.choices
    )

    class Meta:
        model = EnterpriseRequest
        fields = ("partner", "owner")

    def by_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = Q(status__in=OPEN_REQUEST, deadline__lt=timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def by_due_this_week(self, queryset, name, value):
        if not value:
            return queryset
        today = timezone.localdate()
        return queryset.filter(status__in=OPEN_REQUEST, deadline__range=(today, _week_end(today)))
