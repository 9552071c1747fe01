"""Helpers for declaring the rules of a model once, in its app's permissions.py."""

import rules

from accounts.roles import can_manage, is_auditor

ACTIONS = ("view", "add", "change", "delete")


def declare(model_label: str, **predicates) -> None:
    """``declare("partners.carrier", view=has_a_role, change=can_manage)``: ``change`` also
    covers add and delete unless they are given; the model's history is readable by those who
    read the audit trail."""
    app_label, model_name = model_label.split(".")
    change = predicates.get("change")
    for action in ACTIONS:
        predicate = predicates.get(action, change if action in ("add", "delete") else None)
        if predicate is not None:
            rules.set_perm(f"{app_label}.{action}_{model_name}", predicate)
    rules.set_perm(f"{app_label}.view_historical{model_name}", can_manage | is_auditor)
