"""The navigation every page shows, by the user's roles."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import can_read_all, is_chain_leader

# (url name, label, who sees it)
LINKS = (
    ("home", _("Workbench"), can_read_all),
    ("partners:list", _("Partners"), can_read_all),
    ("projects:board", _("Pipeline"), can_read_all),
    ("chains:list", _("Chains"), can_read_all | is_chain_leader),
    ("dashboard", _("Dashboard"), can_read_all),
    ("imports", _("Imports"), can_read_all),
    ("portal", _("Our company"), is_chain_leader),
)


def navigation(request) -> dict:
    """The links the user may follow; nothing for anonymous visitors (login page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": []}
    path = request.path
    links = []
    for name, label, allowed in LINKS:
        if not allowed(user):
            continue
        url = reverse(name)
        current = path == url if url == "/" else path.startswith(url)
        links.append({"url": url, "label": label, "current": current})
    return {"nav_links": links}
