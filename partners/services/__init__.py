"""Writes of the partners app: organisations (partners, contacts, self-service, change
requests) and engagement (interactions, follow-ups, enterprise requests)."""

from partners.services.doubling import (
    doubling_check_partner,
    doubling_indicator_create,
    doubling_indicator_update,
)
from partners.services.engagement import (
    follow_up_close,
    follow_up_create,
    interaction_record,
    request_change_status,
    request_extend,
    request_raise,
    request_rate,
    request_reassign,
)
from partners.services.organisations import (
    KEY_FIELDS,
    SELF_SERVICE_FIELDS,
    PossibleDuplicatePartner,
    UsccCheck,
    change_request_approve,
    change_request_create,
    change_request_reject,
    contact_create,
    contact_update,
    partner_apply_uscc_check,
    partner_check_uscc,
    partner_contacts_key_refresh,
    partner_create,
    partner_self_service_update,
    partner_update,
)

__all__ = [
    "KEY_FIELDS",
    "SELF_SERVICE_FIELDS",
    "PossibleDuplicatePartner",
    "UsccCheck",
    "change_request_approve",
    "change_request_create",
    "change_request_reject",
    "contact_create",
    "contact_update",
    "doubling_check_partner",
    "doubling_indicator_create",
    "doubling_indicator_update",
    "follow_up_close",
    "follow_up_create",
    "interaction_record",
    "partner_apply_uscc_check",
    "partner_check_uscc",
    "partner_contacts_key_refresh",
    "partner_create",
    "partner_self_service_update",
    "partner_update",
    "request_change_status",
    "request_extend",
    "request_raise",
    "request_rate",
    "request_reassign",
]
