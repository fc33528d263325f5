import pytest

from earlyyears.models import Role

from .factories import (
    ChildFactory,
    SettingFactory,
    UserFactory,
    portage_worker_for,
    practitioner_at,
)


@pytest.fixture(autouse=True)
def _private_media_in_a_temporary_folder(settings, tmp_path):
    """Uploads made by tests never land in the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private_media"


@pytest.fixture
def world(db):
    """Two settings with a child each, a practitioner at each, a portage worker per child,
    and one user of every other role: the cast every access test needs."""

    class World:
        pass

    w = World()
    w.setting_a = SettingFactory(name="Acorns Day Nursery")
    w.setting_b = SettingFactory(name="Bluebell Pre-School")
    w.child_a = ChildFactory(setting=w.setting_a, first_name="Amara", last_name="Okafor")
    w.child_b = ChildFactory(setting=w.setting_b, first_name="Bartek", last_name="Nowak")
    w.practitioner_a = practitioner_at(w.setting_a, username="prac.a")
    w.practitioner_b = practitioner_at(w.setting_b, username="prac.b")
    w.portage_a = portage_worker_for(w.child_a, username="portage.a")
    w.portage_b = portage_worker_for(w.child_b, username="portage.b")
    for role in Role:
        if role not in (Role.PRACTITIONER, Role.PORTAGE_WORKER):
            setattr(w, role.value, UserFactory(role=role, username=role.value))
    return w
