"""The rules for partner data, used by the API, the admin and the pages alike.

Staff change the partners they steward and those partners' contacts; a chain-leader account
changes its own partner's self-service fields and contacts; managers change everything.
Archiving and restoring is for managers; hard deletion (admin only) for administrators.
"""

import rules

from accounts.roles import (
    can_manage,
    can_read_all,
    has_a_role,
    is_administrator,
    is_chain_leader,
    is_staff_member,
    no_object,
)
from core.permissions import declare


@rules.predicate
def stewards(user, partner) -> bool:
    return partner is not None and partner.steward_id == user.pk


@rules.predicate
def is_own(user, partner) -> bool:
    return partner is not None and user.partner_id == partner.pk


@rules.predicate
def stewards_contact_partner(user, contact) -> bool:
    return contact is not None and contact.partner.steward_id == user.pk


@rules.predicate
def is_own_contact(user, contact) -> bool:
    return contact is not None and contact.partner_id == user.partner_id


may_edit_partner = (
    can_manage
    | (is_staff_member & (no_object | stewards))
    | (is_chain_leader & (no_object | is_own))
)

declare(
    "partners.partner",
    view=has_a_role,
    add=can_manage | is_staff_member,
    change=may_edit_partner,
    delete=is_administrator,
)
rules.set_perm("partners.archive_partner", can_manage)
rules.set_perm("partners.restore_partner", can_manage)
# The full record (contacts, notes, steward …) rather than the public directory entry.
rules.set_perm("partners.view_partner_private", can_read_all | is_own)
# Unmasked mobile numbers of every partner's contacts (asked once by long exports)…
may_view_all_contact_phones = can_manage
rules.set_perm("partners.view_all_contact_phones", may_view_all_contact_phones)
# …and of one partner's contacts. The export asks this with the partner's pk and steward_id
# only (partners/exports.py).
rules.set_perm("partners.view_contact_phone", may_view_all_contact_phones | stewards | is_own)
# Adding a contact person to this partner.
rules.set_perm("partners.manage_contacts", can_manage | stewards | (is_chain_leader & is_own))


@rules.predicate
def stewards_requesting_partner(user, change_request) -> bool:
    return change_request is not None and change_request.partner.steward_id == user.pk


# Deciding a chain-leader unit's change request: its steward or a manager.
rules.set_perm(
    "partners.decide_change_request",
    can_manage | (is_staff_member & (no_object | stewards_requesting_partner)),
)

declare(
    "partners.contactperson",
    view=can_read_all | (is_chain_leader & (no_object | is_own_contact)),
    add=can_manage | is_staff_member | is_chain_leader,
    change=can_manage
    | (is_staff_member & (no_object | stewards_contact_partner))
    | (is_chain_leader & (no_object | is_own_contact)),
)
declare("partners.carrier", view=has_a_role, change=can_manage)
declare("partners.qualificationtag", view=has_a_role, change=can_manage)
declare("partners.recognition", view=can_read_all, change=can_manage)
declare("partners.partnerchangerequest", view=has_a_role, add=is_chain_leader)


@rules.predicate
def recorded_it(user, interaction) -> bool:
    return interaction is not None and interaction.recorded_by_id == user.pk


@rules.predicate
def owns_it(user, obj) -> bool:
    return obj is not None and obj.owner_id == user.pk


@rules.predicate
def is_own_request(user, request) -> bool:
    return request is not None and request.partner_id == user.partner_id


# Staff log contacts with any partner and edit what they logged or own; a chain-leader unit
# sees and raises its own partner's requests, never the interactions.
declare(
    "partners.interaction",
    view=can_read_all,
    add=can_manage | is_staff_member,
    change=can_manage | (is_staff_member & (no_object | recorded_it)),
    delete=can_manage,
)
declare(
    "partners.followup",
    view=can_read_all,
    add=can_manage | is_staff_member,
    change=can_manage | (is_staff_member & (no_object | owns_it)),
    delete=can_manage,
)
declare(
    "partners.enterpriserequest",
    view=can_read_all | (is_chain_leader & (no_object | is_own_request)),
    add=can_manage | is_staff_member | is_chain_leader,
    change=can_manage | (is_staff_member & (no_object | owns_it)),
    delete=can_manage,
)
rules.set_perm(
    "partners.rate_enterpriserequest", can_manage | (is_chain_leader & (no_object | is_own_request))
)
declare("partners.requestevent", view=can_read_all)


@rules.predicate
def of_own_partner(user, record) -> bool:
    return record is not None and record.partner_id == user.partner_id


# Doubling-plan indicators: staff and managers keep them; a chain-leader unit reads its own
# partner's and adds a year's figures for it (as it keeps its profile current), but corrects a
# recorded year only through its steward.
declare(
    "partners.doublingindicator",
    view=can_read_all | (is_chain_leader & (no_object | of_own_partner)),
    add=can_manage | is_staff_member | is_chain_leader,
    change=can_manage | is_staff_member,
)
declare("partners.requestdeadlinerule", view=has_a_role, change=can_manage)
declare("partners.visitcadencerule", view=has_a_role, change=can_manage)
# The admin site shows this app to everyone who works in it (rules' module permission).
rules.set_perm("partners", can_read_all)

# Manager reports (partners/reports/): read by those who read every partner.
rules.set_perm("partners.view_overview_report", can_read_all)
rules.set_perm("partners.view_coverage_report", can_read_all)
rules.set_perm("partners.view_requests_report", can_read_all)
rules.set_perm("partners.view_doubling_report", can_read_all)
