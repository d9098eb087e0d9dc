"""The one cron helper: standard cron read in Berlin time, bad and never-firing expressions
refused, and the schedule's interval health uses."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta

import pytest

from citynews import cron
from citynews.errors import ConfigError
from citynews.model import BERLIN
from tests.conftest import REPO

MONDAY = datetime(2026, 3, 16, 10, 0, 0, tzinfo=BERLIN)  # a Monday, before the DST switch


def fire_times(expr: str, start: datetime, count: int = 3) -> list[str]:
    trigger = cron.cron_trigger(expr)
    times, previous, now = [], None, start
    for _ in range(count):
        fire = trigger.get_next_fire_time(previous, now)
        times.append(fire.strftime("%a %d %H:%M:%S"))
        previous, now = fire, fire + timedelta(seconds=1)
    return times


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("15 */3 * * *", ["Mon 16 12:15:00", "Mon 16 15:15:00", "Mon 16 18:15:00"]),
        ("*/20 * * * * *", ["Mon 16 10:00:00", "Mon 16 10:00:20", "Mon 16 10:00:40"]),
        ("30 7 * * 0", ["Sun 22 07:30:00", "Sun 29 07:30:00", "Sun 05 07:30:00"]),
        ("30 7 * * 7", ["Sun 22 07:30:00", "Sun 29 07:30:00", "Sun 05 07:30:00"]),
        ("0 9 * * 1-5", ["Tue 17 09:00:00", "Wed 18 09:00:00", "Thu 19 09:00:00"]),
        ("0 9 * * 0-1", ["Sun 22 09:00:00", "Mon 23 09:00:00", "Sun 29 09:00:00"]),
        ("0 9 * * mon-fri", ["Tue 17 09:00:00", "Wed 18 09:00:00", "Thu 19 09:00:00"]),
        ("40 6,18 * * *", ["Mon 16 18:40:00", "Tue 17 06:40:00", "Tue 17 18:40:00"]),
    ],
)
def test_cron_expressions_fire_like_cron_in_berlin_time(expr, expected):
    assert fire_times(expr, MONDAY) == expected


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        ("* * * *", "needs 5 fields"),
        ("1 2 3 4 5 6 7", "needs 5 fields"),
        ("61 * * * *", "higher than the maximum value"),
        ("0 9 * * 8", "bad day of week"),
        ("x * * * *", "bad cron expression"),
        ("0 0 31 2 *", "never fires"),
        ("0 0 30 2 *", "never fires"),
        ("0 0 31 4,6,9,11 *", "never fires"),
    ],
)
def test_bad_and_never_firing_expressions_are_refused(expr, message):
    with pytest.raises(ConfigError, match=message):
        cron.validate(expr, now=MONDAY)


@pytest.mark.parametrize("expr", ["0 0 29 2 *", "15 */3 * * *", "0 0 31 * *"])
def test_rare_but_real_dates_are_accepted(expr):
    assert cron.next_fire(cron.validate(expr, now=MONDAY), MONDAY) > MONDAY


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("15 */3 * * *", timedelta(hours=3)),
        ("40 6,18 * * *", timedelta(hours=12)),
        ("0 9 * * 1-5", timedelta(days=3)),  # Friday to Monday
        ("*/2 * * * * *", timedelta(seconds=2)),
        ("0 0 31 2 *", None),
        ("", None),
        ("no cron", None),
    ],
)
def test_interval_is_the_longest_gap(expr, expected):
    assert cron.interval(expr, datetime(2026, 3, 16, 12, 0, tzinfo=UTC)) == expected


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_scheduler_and_health_do_not_import_each_other():
    ops = REPO / "pipeline" / "ops"
    assert "citynews.ops.scheduler" not in _imports(ops / "health.py")
    assert not any("scheduler" in name for name in _imports(ops / "health.py"))
    assert "citynews.cron" in _imports(ops / "scheduler.py")
    assert "citynews.cron" in _imports(ops / "health.py")
