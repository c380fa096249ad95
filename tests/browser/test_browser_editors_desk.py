"""The editor's desk in real Chromium at 1,280 px: from the story page's staff link to a
move and a new lead, and the front page following."""

import pytest
from conftest import ARTIFACTS, sideways_scroll
from web_builders import make_article, make_publisher, make_story

from newsdesk.stories.models import EditorAction, StoryArticle

pytestmark = pytest.mark.browser
NEW_HEADLINE = "Harbour bridge approved after a night of debate"



def no_sideways_scroll(page):
    overflow = sideways_scroll(page)
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_an_editor_moves_an_article_and_picks_the_lead_from_the_story_page(
    editor_page, live_server,
):
    harbour, valley, stray = (make_publisher("Harbour Herald"), make_publisher("Valley Voice"),
                              make_publisher("Stray Sports Weekly"))
    first = make_article(harbour, "Council votes on the harbour bridge")
    second = make_article(valley, "Valley Voice: bridge plan passes, with conditions")
    wrong = make_article(stray, "Harbour City beat Riverside 3-1 to reach the cup final")
    story = make_story(first, second, wrong)
    page = editor_page
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)

    page.goto(live_server.url + story.get_absolute_url())
    page.get_by_role("link", name="Edit on the desk").click()
    page.wait_for_selector("#articles-heading")
    no_sideways_scroll(page)
    page.screenshot(path=str(ARTIFACTS / "admin-desk-1280.png"), full_page=True)

    row = page.locator("#content-main tr").filter(has_text=wrong.title)
    row.locator("select").select_option("new")
    row.get_by_role("button", name="Move").click()
    page.wait_for_selector(".messagelist .success")
    assert "Moved “Harbour City beat Riverside" in page.locator(".messagelist").inner_text()
    assert StoryArticle.objects.get(article=wrong).story_id != story.pk

    page.get_by_label(f"{second.title} — Valley Voice").check()
    page.fill("#id_headline", NEW_HEADLINE)
    page.get_by_role("button", name="Save lead and headline").click()
    page.wait_for_selector(".messagelist .success")
    no_sideways_scroll(page)
    assert [a.kind for a in EditorAction.objects.order_by("at", "pk")] == ["move", "lead"]

    page.goto(live_server.url + "/")
    titles = page.locator("main").inner_text()
    assert NEW_HEADLINE in titles and wrong.title in titles
    assert "Council votes on the harbour bridge" not in titles

    # merge into a story found by search, then undo it from the survivor's desk
    page.goto(live_server.url + f"/admin/stories/story/{story.pk}/desk/")
    page.fill("#id_q", "Riverside cup")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("button", name="Merge this story into it").click()
    page.wait_for_selector("#undo-heading")
    assert StoryArticle.objects.get(article=first).story_id == StoryArticle.objects.get(
        article=wrong).story_id
    no_sideways_scroll(page)
    page.get_by_role("button", name="Undo it").click()
    page.wait_for_selector(".messagelist .success")
    assert "Undid the merge" in page.locator(".messagelist").inner_text()
    assert StoryArticle.objects.get(article=first).story_id == story.pk
    page.goto(live_server.url + "/")
    titles = page.locator("main").inner_text()
    assert NEW_HEADLINE in titles and wrong.title in titles
    assert refused == []  # the desk's styles come from a file the CSP allows
