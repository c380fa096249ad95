from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def page_bytes():
    """The bytes of a fixture page written for these tests."""

    def read(name: str) -> bytes:
        return (FIXTURES / f"{name}.html").read_bytes()

    return read
