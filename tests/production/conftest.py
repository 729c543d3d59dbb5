"""Fixtures shared with the delivery and web suites."""

from tests.deliver.conftest import renderers, world  # noqa: F401 (fixtures)
from tests.web.conftest import cap_schema  # noqa: F401 (fixture)
