import django_filters as filters

from chains.models import (
    ChainLeaderAppointment,
    ChainSegment,
    Industry,
    IndustryChain,
    TargetCompany,
    WorkCamp,
)


class IndustryFilter(filters.FilterSet):
    class Meta:
        model = Industry
        fields = ("kind", "parent")


class IndustryChainFilter(filters.FilterSet):
    class Meta:
        model = IndustryChain
        fields = ("industry",)


class ChainSegmentFilter(filters.FilterSet):
    class Meta:
        model = ChainSegment
        fields = ("chain",)


class AppointmentFilter(filters.FilterSet):
    class Meta:
        model = ChainLeaderAppointment
        fields = ("year", "chain", "partner")


class WorkCampFilter(filters.FilterSet):
    member = filters.NumberFilter(field_name="memberships__partner", distinct=True)

    class Meta:
        model = WorkCamp
        fields = ("industry",)


class TargetCompanyFilter(filters.FilterSet):
    chain = filters.NumberFilter(field_name="segment__chain")
    status = filters.MultipleChoiceFilter(distinct=False, choices=TargetCompany.Status.choices)
    q = filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = TargetCompany
        fields = ("segment", "owner")
