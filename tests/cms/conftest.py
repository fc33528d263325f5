import logging

import pytest

from .helpers import Places


@pytest.fixture(autouse=True)
def _quiet_wagtail_logs():
    """Wagtail logs every page save and search-index task at INFO: too loud in test output."""
    loggers = [logging.getLogger(name) for name in ("django_tasks", "wagtail")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


@pytest.fixture
def places(db) -> Places:
    return Places()
