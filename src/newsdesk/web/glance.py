"""Coverage at a glance: who covered a story, by language and by the operator's labels.

Labels (sources.models.PublisherLabel) are the operator's own: free names such as
country, lean or ownership, none shipped. For each label, a story's publishers split
by value, and a story is "covered by only one side" of a label when all of its labelled
publishers share one value while the desk follows publishers with at least two values
of it (otherwise there is no other side to miss).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils.translation import get_language_info

from newsdesk.sources.models import Publisher, PublisherLabel


def language_name(code: str) -> str:
    """A language's name in the reader's language ("German"), or the code."""
    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


def desk_label_values() -> dict[str, set[str]]:
    """Every label name the operator uses on a shown publisher, with its values."""
    values: dict[str, set[str]] = defaultdict(set)
    labels = PublisherLabel.objects.filter(publisher__excluded=False)
    for name, value in labels.values_list("name", "value").distinct():
        values[name].add(value)
    return dict(values)


def _values_by_label(publishers: list[Publisher]) -> dict[str, list[str]]:
    """{label name: the value of each labelled publisher} (labels prefetched)."""
    found: dict[str, list[str]] = defaultdict(list)
    for publisher in publishers:
        for label in publisher.labels.all():
            found[label.name].append(label.value)
    return found


def one_sided_labels(publishers: list[Publisher], desk: dict[str, set[str]]) -> list[str]:
    """The labels for which the publishers covered only one of the desk's sides."""
    return sorted(
        name
        for name, values in _values_by_label(publishers).items()
        if len(set(values)) == 1 and len(desk.get(name, ())) >= 2
    )


@dataclass
class LabelSplit:
    """A story's publishers by the values of one label."""

    name: str
    counts: list[tuple[str, int]]  # (value, publishers), most first
    unlabelled: int
    one_sided: bool


@dataclass
class Glance:
    languages: list[tuple[str, str, int]]  # (code, name, articles), most first
    splits: list[LabelSplit]


def coverage_glance(articles, desk: dict[str, set[str]]) -> Glance:
    """The glance of a story whose shown (original) articles are `articles`."""
    by_language = Counter(article.language or "" for article in articles)
    languages = [
        (code, language_name(code) if code else "", count)
        for code, count in sorted(by_language.items(), key=lambda item: (-item[1], item[0]))
    ]
    publishers = list({article.publisher_id: article.publisher for article in articles}.values())
    one_sided = set(one_sided_labels(publishers, desk))
    splits = []
    for name, values in sorted(_values_by_label(publishers).items()):
        counts = sorted(Counter(values).items(), key=lambda item: (-item[1], item[0]))
        splits.append(
            LabelSplit(name, counts, len(publishers) - len(values), name in one_sided)
        )
    return Glance(languages, splits)
