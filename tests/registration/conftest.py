"""Fixtures of the registration tests."""

from tests.support.desk import desk, operator  # noqa: F401 - fixtures for the operator's pages
