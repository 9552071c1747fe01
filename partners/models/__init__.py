"""The partners app's models: the organisations themselves and the engagement with them."""

from partners.models.doubling import DoublingIndicator
from partners.models.engagement import (
    EnterpriseRequest,
    FollowUp,
    Interaction,
    RequestDeadlineRule,
    RequestEvent,
    VisitCadenceRule,
)
from partners.models.organisations import (
    Carrier,
    CarrierKind,
    ChangeRequestStatus,
    ContactPerson,
    OrganisationType,
    Partner,
    PartnerChangeRequest,
    PartnerStatus,
    QualificationTag,
    Recognition,
    RecognitionCategory,
)
from partners.models.reminders import Notification, Reminder, ReminderKind

__all__ = [
    "Carrier",
    "CarrierKind",
    "ChangeRequestStatus",
    "ContactPerson",
    "DoublingIndicator",
    "EnterpriseRequest",
    "FollowUp",
    "Interaction",
    "Notification",
    "OrganisationType",
    "Partner",
    "PartnerChangeRequest",
    "PartnerStatus",
    "QualificationTag",
    "Recognition",
    "RecognitionCategory",
    "Reminder",
    "ReminderKind",
    "RequestDeadlineRule",
    "RequestEvent",
    "VisitCadenceRule",
]
