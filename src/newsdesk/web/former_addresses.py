"""Addresses pages had before: a publisher's page and feeds after its name changed."""

from django.shortcuts import redirect
from django.urls import reverse

from newsdesk.sources.models import FormerSlug


def moved_publisher(request, slug: str, url_name: str, *rest):
    """A permanent redirect when `slug` is an address a shown publisher had before its
    name changed (sources.models.FormerSlug), else None."""
    former = (
        FormerSlug.objects.filter(slug=slug, publisher__excluded=False)
        .select_related("publisher")
        .first()
    )
    if former is None:
        return None
    query = request.META.get("QUERY_STRING", "")
    target = reverse(url_name, args=[former.publisher.slug, *rest])
    return redirect(f"{target}?{query}" if query else target, permanent=True)
