"""The Excel export of the chain-leader roster (the appointment list)."""

from chains.models import ChainLeaderAppointment
from core.exports import Column, export_response, field_label
from partners.models import Partner

APPOINTMENT_COLUMNS = (
    Column(field_label(ChainLeaderAppointment, "year"), lambda a: a.year, 10),
    Column(field_label(ChainLeaderAppointment, "chain"), lambda a: a.chain.name, 24),
    Column(field_label(ChainLeaderAppointment, "partner"), lambda a: a.partner.name, 36),
    Column(field_label(Partner, "short_name"), lambda a: a.partner.short_name, 14),
    Column(field_label(ChainLeaderAppointment, "note"), lambda a: a.note, 30),
)


def appointment_export(appointments):
    return export_response(
        appointments,
        APPOINTMENT_COLUMNS,
        name="appointments",
        title=ChainLeaderAppointment._meta.verbose_name_plural,
    )
