"""Excerpts stored before they kept to one paragraph are cut again, stories follow."""

import importlib

import pytest
from django.apps import apps
from web_builders import make_article, make_publisher, make_story

pytestmark = pytest.mark.django_db

GLUED = (
    "Forscher haben Wasser in der Atmosphäre eines Exoplaneten nachgewiesen. "
    "Astronomen haben in der Atmosphäre des Exoplaneten Wasserdampf nachgewiesen."
)


def test_glued_excerpts_are_cut_again_from_the_text():
    publisher = make_publisher("Nordlicht Zeitung")
    article = make_article(
        publisher,
        "Wasser auf Exoplanet",
        excerpt=GLUED,
        text=GLUED.replace("nachgewiesen. Astro", "nachgewiesen.\nAstro"),
        language="de",
    )
    story = make_story(article)
    untouched = make_article(publisher, "Ohne Absatz", excerpt="Ein Satz. Noch einer.",
                             text="Ein Satz. Noch einer.")
    migration = importlib.import_module(
        "newsdesk.articles.migrations.0003_excerpts_keep_to_one_paragraph"
    )

    migration.recut_excerpts(apps, None)

    article.refresh_from_db()
    story.refresh_from_db()
    untouched.refresh_from_db()
    first = "Forscher haben Wasser in der Atmosphäre eines Exoplaneten nachgewiesen."
    assert article.excerpt == first and story.excerpt == first
    assert untouched.excerpt == "Ein Satz. Noch einer."
