"""Page helpers every app's views use, the manager dashboard and the error pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views import defaults

from core.pagination import CappedCountPaginator

PAGE_SIZE = 50


def permission_required(permission: str):
    """Login, then the rules permission (403 page, never a redirect loop to the login page)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    """The page of ``queryset`` the ``page`` parameter asks for (the last for one past it),
    counted up to ``LIST_COUNT_LIMIT`` rows."""
    return CappedCountPaginator(queryset, per_page).get_page(request.GET.get("page"))


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return defaults.page_not_found(request, exception, template_name="404.html")
