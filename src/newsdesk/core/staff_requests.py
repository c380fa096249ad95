"""Whether a request comes from staff: public pages ask this to bypass the page cache.

It lives in core, not in the staff app (wiring), so that the web room may ask it: it needs
only the session cookie's name and the admin site's own permission check, which the staff
app's site (``staff.site.StaffAdminSite``) extends with the second factor.
"""

from django.conf import settings
from django.contrib import admin


def is_staff_request(request) -> bool:
    """Whether the request comes from someone the admin would let in (staff, with the
    second factor done).

    Without a session cookie nobody is logged in: the session is not read then, so
    anonymous visitors' pages do not come to vary on the Cookie header by this question.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is not None and admin.site.has_permission(request)
