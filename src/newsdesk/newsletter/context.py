"""Template context for the sign-up form in every page's footer."""

from newsdesk.newsletter.defences import form_started


def signup_form(request):
    """`newsletter_started`: the signed time the page was rendered, which the minimum
    fill-time defence compares with the time the form arrives. A page served from the
    page cache carries an older time, which only makes that check more lenient."""
    return {"newsletter_started": form_started()}
