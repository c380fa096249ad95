from django.apps import AppConfig


class StaffConfig(AppConfig):
    """The staff's way in (its templates; the admin site itself is admin_config's)."""

    name = "newsdesk.staff"
    label = "staff"
