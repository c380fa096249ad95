"""Reading /metrics the way Prometheus does: the text format, parsed."""

from prometheus_client.parser import text_string_to_metric_families


def scrape(client, **headers) -> dict[tuple, float]:
    """{(sample name, (label, value), ...): value} from one GET /metrics."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, *sorted(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, *sorted(labels.items())), 0.0)
