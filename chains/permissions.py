"""The rules for industries, chains, the roster, work camps and target lists: reference data
that managers maintain. A chain-leader account reads its own chains (the querysets are scoped)."""

import rules

from accounts.roles import can_manage, can_read_all, has_a_role, is_chain_leader
from core.permissions import declare

declare("chains.industry", view=has_a_role, change=can_manage)
declare("chains.industrychain", view=can_read_all | is_chain_leader, change=can_manage)
declare("chains.chainsegment", view=can_read_all | is_chain_leader, change=can_manage)
declare("chains.chainleaderappointment", view=can_read_all | is_chain_leader, change=can_manage)
declare("chains.workcamp", view=can_read_all | is_chain_leader, change=can_manage)
declare("chains.workcampmembership", view=can_read_all | is_chain_leader, change=can_manage)
declare("chains.targetcompany", view=can_read_all, change=can_manage)
declare("chains.segmentstrengthrule", view=has_a_role, change=can_manage)
# The admin site shows this app to everyone who works in it (rules' module permission).
rules.set_perm("chains", can_read_all)

# The chain map (产业图谱): a chain-leader unit reads its own chains' maps (the selector scopes).
rules.set_perm("chains.view_chain_map_report", can_read_all | is_chain_leader)
# The roster report: a chain-leader unit reads its own chains' roster, no recognitions.
rules.set_perm("chains.view_roster_report", can_read_all | is_chain_leader)
