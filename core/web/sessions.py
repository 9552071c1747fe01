"""Sessions end after ``SESSION_COOKIE_AGE`` without a request (the idle timeout), without a
write to the session table on every page.

Django's way (``SESSION_SAVE_EVERY_REQUEST``) saves the session, and so writes and commits a
row, on every request of a signed-in person. Here the session is saved, which pushes its expiry
(and the cookie's) forward, only when ``SESSION_REFRESH_SECONDS`` have passed since it was last
saved: one write a minute at most; an idle session may end up to that minute early, never
late (its expiry counts from its last save, never later than its last request)."""

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY

REFRESHED_AT = "_refreshed_at"


def stamp_session(sender, request, user, **kwargs) -> None:
    """On sign-in (``user_logged_in``) into a session, which is saved then anyway: the first
    page after it need not write it again. A sign-in without a session (an API client) is
    left without one."""
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        session[REFRESHED_AT] = int(time.time())


class SessionRefreshMiddleware:
    """After ``SessionMiddleware`` and ``AuthenticationMiddleware``: marks a signed-in person's
    session modified (so that ``SessionMiddleware`` saves it) when it is due a refresh."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in person's session (the key check first: it is free for a request
        # without a session cookie, such as an API client's).
        if session is not None and session.session_key and SESSION_KEY in session:
            now = int(time.time())
            due = now - session.get(REFRESHED_AT, 0) >= settings.SESSION_REFRESH_SECONDS
            # A session saved for another reason is refreshed by that save: stamped with it,
            # the next page need not write it again.
            if due or session.modified:
                session[REFRESHED_AT] = now
        return response
