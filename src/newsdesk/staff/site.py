"""The admin site: Django's, with a login throttle and an optional second factor.

- Failed logins are counted per (user name, client) and, past the limit, the login page
  answers 429 with a page that says why and for how long (throttle.py).
- Two-factor authentication is optional per account: a staff member who has a confirmed
  TOTP device (django-otp; added in the admin under "TOTP devices", whose QR code an
  authenticator app scans) must give its current code with the password, and a session
  that was not verified by it has no access to the admin. Accounts without a device log
  in with the password alone.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp import devices_for_user, user_has_device
from django_otp.admin import OTPAdminAuthenticationForm

from newsdesk.staff.throttle import LoginThrottle

# Form errors that are a wrong guess (a password or a code), as opposed to a missing field.
FAILED_LOGIN_CODES = frozenset({"invalid_login", "invalid_token"})


def login_throttle(request) -> LoginThrottle:
    """The throttle of the (user name, client) a login POST is for."""
    username = request.POST.get(get_user_model().USERNAME_FIELD, "")
    return LoginThrottle.for_request(request, str(username))


def second_factor_done(user) -> bool:
    """Staff with a confirmed device must have been verified by it in this session."""
    return not user_has_device(user, confirmed=True) or user.is_verified()


class StaffLoginForm(OTPAdminAuthenticationForm):
    """The password, then the code of the user's device when they have one.

    One step for the usual case: the code is asked for on the same page, and a user with
    a single device need not choose it."""

    otp_error_messages = dict(
        OTPAdminAuthenticationForm.otp_error_messages,
        token_required=_(
            "This account has two-factor authentication: enter the 6-digit code from your "
            "authenticator app as well."
        ),
        invalid_token=_(
            "That code is not right, or has expired. Enter the code your authenticator "
            "app shows now."
        ),
    )

    def clean(self):
        try:
            self.cleaned_data = AdminAuthenticationForm.clean(self)
            user = self.get_user()
            if user is not None and user_has_device(user, confirmed=True):
                self._choose_the_only_device(user)
                self.clean_otp(user)
        except ValidationError as error:
            if FAILED_LOGIN_CODES & {e.code for e in error.error_list}:
                login_throttle(self.request).record_failure()
            raise
        return self.cleaned_data

    def _choose_the_only_device(self, user) -> None:
        if not self.cleaned_data.get("otp_device"):
            devices = list(devices_for_user(user, confirmed=True))
            if len(devices) == 1:
                self.cleaned_data["otp_device"] = devices[0].persistent_id


class StaffAdminSite(AdminSite):
    login_form = StaffLoginForm
    login_template = "staff/login.html"

    def has_permission(self, request):
        return super().has_permission(request) and second_factor_done(request.user)

    def login(self, request, extra_context=None):
        """Django's login view, refused with 429 while the (user name, client) is locked."""
        if request.method != "POST":
            return super().login(request, extra_context)
        throttle = login_throttle(request)
        if throttle.seconds_locked():
            return self.throttled(request, throttle)
        response = super().login(request, extra_context)
        if throttle.seconds_locked() and not request.user.is_authenticated:
            return self.throttled(request, throttle)
        return response

    def throttled(self, request, throttle: LoginThrottle):
        """The 429 page: what happened, for how long, and that the right password waits
        too."""
        seconds = throttle.seconds_locked()
        minutes = max(1, (seconds + 59) // 60)
        context = {
            **self.each_context(request),
            "title": _("Logins paused"),
            "limit": throttle.limit,
            "window_minutes": max(1, throttle.window // 60),
            "wait": ngettext("%(count)d minute", "%(count)d minutes", minutes)
            % {"count": minutes},
        }
        response = render(request, "staff/login_throttled.html", context, status=429)
        response["Retry-After"] = str(seconds)
        return response
