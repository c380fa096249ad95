"""The full-text index over articles: FTS5 + triggers on SQLite, a GIN index on PostgreSQL."""

from django.db import migrations


def create_index(apps, schema_editor):
    from newsdesk.web.search import ensure_search_index

    ensure_search_index(schema_editor.connection)


def drop_index(apps, schema_editor):
    from newsdesk.web.search import drop_search_index

    drop_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
