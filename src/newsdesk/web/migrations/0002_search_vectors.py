"""PostgreSQL: stored tsvectors kept by triggers replace 0001's expression index, so that
ranking reads a stored vector instead of parsing each matching article again."""

from django.db import migrations


def create_index(apps, schema_editor):
    from newsdesk.web.search import ensure_search_index

    ensure_search_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("web", "0001_search_index")]

    operations = [migrations.RunPython(create_index, migrations.RunPython.noop)]
