"""gunicorn's hooks: each worker loads the bank holidays before its first request."""

from __future__ import annotations

import datetime
import runpy
from pathlib import Path

from pathway.clocks import bank_holidays

CONFIG = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


def test_a_worker_loads_the_bank_holidays_before_its_first_request():
    hooks = runpy.run_path(str(CONFIG))
    bank_holidays.cache_clear()
    hooks["post_worker_init"](worker=None)
    year = datetime.date.today().year
    info = bank_holidays.cache_info()
    assert info.currsize == 3
    bank_holidays(year)
    assert bank_holidays.cache_info().hits == info.hits + 1
