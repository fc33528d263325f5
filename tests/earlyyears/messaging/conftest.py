import pytest

from earlyyears.celery import app

from .fake_twilio import fake_twilio  # noqa: F401 - the fixture, for every test in this folder


@pytest.fixture(autouse=True)
def eager_celery(request, settings):
    """Tests that are not marked `worker` run tasks in-process, whatever broker the CI leg
    configures: the on-commit enqueue sends at once, as on the embedded default."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    saved = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = saved
