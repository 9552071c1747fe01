"""API permissions come from the rules in each app's permissions.py: the model-level rule on
every request, the object-level rule on the object it touches."""

from rest_framework.permissions import BasePermission

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def required_permission(request, view) -> str | None:
    """``view.action_permissions`` names the rule of a custom action (e.g. ``advance``);
    otherwise ``<app>.<action>_<model>`` by the HTTP method."""
    custom = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
    if custom:
        return custom
    model = getattr(view, "model", None)
    if model is None:
        return None  # a resource without a model grants only what action_permissions names
    meta = model._meta
    return f"{meta.app_label}.{METHOD_ACTIONS[request.method]}_{meta.model_name}"


class RulesPermission(BasePermission):
    def has_permission(self, request, view) -> bool:
        if not hasattr(view, request.method.lower()):
            return True  # the method is not offered: let the view answer 405
        perm = required_permission(request, view)
        return perm is not None and bool(request.user and request.user.has_perm(perm))

    def has_object_permission(self, request, view, obj) -> bool:
        perm = required_permission(request, view)
        return perm is not None and request.user.has_perm(perm, obj)
