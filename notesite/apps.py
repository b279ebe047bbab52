from django.contrib.admin.apps import AdminConfig


class PaperNotesAdminConfig(AdminConfig):
    """Django's admin, on the site's own AdminSite (optional two-factor login)."""

    default_site = "notesite.admin_site.PaperNotesAdminSite"
