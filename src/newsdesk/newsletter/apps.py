from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    name = "newsdesk.newsletter"
    label = "newsletter"
    default_auto_field = "django.db.models.BigAutoField"
