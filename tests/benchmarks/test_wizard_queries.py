"""Benchmark: queries per wizard step with a small and a large setting (must not grow).

The large setting has 500 children (50 under BENCH_SCALE=tiny; BENCH_WIZARD_CHILDREN sets it).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathway.services import start_draft
from tests.factories import ChildFactory, SettingFactory, practitioner_at
from tests.pathway.wizard_helpers import (
    CHECKS,
    CHILD_NEW,
    DEVELOPMENT,
    FAMILY,
    HEALTH_FAMILY,
    SUPPORT,
    post_step,
    step_url,
)

from . import size

LARGE = size("BENCH_WIZARD_CHILDREN", 500, tiny=50)

STEPS = [
    ("child", CHILD_NEW),
    ("development", DEVELOPMENT),
    ("support", SUPPORT),
    ("checks", CHECKS),
    ("health_family", HEALTH_FAMILY),
    ("family", FAMILY),
    ("check", {}),
]


def _queries_per_step(client, children: int) -> dict[str, tuple[int, int]]:
    setting = SettingFactory()
    ChildFactory.create_batch(children, setting=setting)
    user = practitioner_at(setting)
    client.force_login(user)
    draft = start_draft(user, setting=setting)
    counts = {}
    # A child of their own in each run: the second run's child must not resemble the first's, or
    # its submission rightly does the extra work of flagging a possible match.
    steps = [
        (step, {**fields, "last_name": f"Ahmed-{children}"} if step == "child" else fields)
        for step, fields in STEPS
    ]
    for step, fields in steps:
        with CaptureQueriesContext(connection) as get_queries:
            client.get(step_url(draft, step))
        with CaptureQueriesContext(connection) as post_queries:
            post_step(client, draft, step, fields)
        counts[step] = (len(get_queries), len(post_queries))
    return counts


@pytest.mark.django_db
def test_queries_per_step_are_constant(client, capsys):
    # A first walk fills what the wizard keeps in the shared cache (lessons, signposting) until
    # a page changes: both measured walks then start warm, as every walk after the first does.
    _queries_per_step(client, 1)
    small = _queries_per_step(client, 5)
    large = _queries_per_step(client, LARGE)
    with capsys.disabled():
        print(
            f"\nQueries per wizard step (GET, POST): 5 children vs {LARGE} children in the setting"
        )
        for step in small:
            print(f"{step:<15}{small[step]!s:>12}{large[step]!s:>12}")
    assert small == large
