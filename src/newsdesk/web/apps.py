from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _keep_search_index(sender, using, **kwargs):
    """Re-check the full-text index after every migrate (SQLite loses triggers on remakes)."""
    from django.db import connections

    from newsdesk.web.search import ensure_search_index

    ensure_search_index(connections[using])


class WebConfig(AppConfig):
    name = "newsdesk.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_keep_search_index, sender=self)
