"""The families fixtures (a signed-in parent) for the consent pages."""

from tests.pathway.families.conftest import family_a, make_family  # noqa: F401
