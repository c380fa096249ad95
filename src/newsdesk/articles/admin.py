from django.contrib import admin

from newsdesk.articles.models import Article


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published_at", "language", "status"]
    list_filter = ["status", "language", "publisher"]
    search_fields = ["title", "url"]
    raw_id_fields = ["source", "entries"]
    date_hierarchy = "published_at"
