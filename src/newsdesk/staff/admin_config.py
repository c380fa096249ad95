from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """Django's admin, served by our StaffAdminSite (in INSTALLED_APPS instead of
    django.contrib.admin, as Django documents for overriding the default site)."""

    default_site = "newsdesk.staff.site.StaffAdminSite"
