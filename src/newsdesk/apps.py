from django.apps import AppConfig


class NewsdeskConfig(AppConfig):
    """The project itself: holds the commands that run the whole desk (run, demo, worker)."""

    name = "newsdesk"
    label = "newsdesk"
