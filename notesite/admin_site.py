"""The editors' admin site, with an optional second factor at login.

With ADMIN_TWO_FACTOR on (DJANGO_ADMIN_2FA=1), signing in to the admin takes a
one-time code from an authenticator app (TOTP, django-otp) after the password, and a
session that was not verified that way is not let in. Each person needs a TOTP device
first: a superuser adds them under "TOTP devices" (the QR code link sets up the app)
before switching the setting on; `manage.py addstatictoken USERNAME` makes a one-off
recovery code. Off, the admin is Django's own.
"""

import functools

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.urls import reverse
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


@functools.cache
def admin_path():
    """Where the admin starts ("/admin/"). Asked on every request, so resolved once:
    reverse() costs about 0.05 ms, a tenth of a cached page's own time."""
    return reverse("admin:index")


class PaperNotesAdminSite(OTPAdminSite):
    site_header = "Paper Notes admin"
    site_title = "Paper Notes admin"
    index_title = "Curate the notes"

    def __init__(self, name="admin"):
        super().__init__(name)

    # Read on each request rather than once, so the setting is the only switch.
    @property
    def login_form(self):
        return OTPAdminAuthenticationForm if settings.ADMIN_TWO_FACTOR else AdminAuthenticationForm

    @property
    def login_template(self):
        return OTPAdminSite.login_template if settings.ADMIN_TWO_FACTOR else None

    def has_permission(self, request):
        if settings.ADMIN_TWO_FACTOR:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
