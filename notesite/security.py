"""The Content-Security-Policy, chosen by path (django-csp 4).

Public pages get CONTENT_SECURITY_POLICY as it is: scripts and styles only from this
site's files, no inline script, no nonce. A nonce would differ on every response, and
a page cache that keeps whole responses would hand one reader's nonce to the next; files
need none, so a cached page is valid for everyone.

The admin is Django's and its packages': it has no inline scripts, but a few inline
`<style>` blocks and style attributes (the changelist, django-simple-history's history
list, select2's widgets). It gets ADMIN_CONTENT_SECURITY_POLICY, enforced (scripts as
strict as on public pages; inline styles allowed), plus the strict public policy in
report-only mode, so a browser's console (or DJANGO_CSP_REPORT_URI) shows what the admin would
still need before its styles could be locked down too.
"""

from csp.middleware import CSPMiddleware
from django.conf import settings

from notesite.admin_site import admin_path


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # A view's own @csp_override wins; otherwise the admin has its own pair.
        if parts.config is None and request.path_info.startswith(admin_path()):
            admin_policy = (
                settings.CONTENT_SECURITY_POLICY if report_only else settings.ADMIN_CONTENT_SECURITY_POLICY
            )
            parts.config = admin_policy["DIRECTIVES"]
        return parts
