"""Cron expressions, read one way everywhere: config validation, the scheduler and health.

APScheduler's CronTrigger does the parsing and the fire-time arithmetic; this module only
maps standard cron (5 fields, minute first, Sunday = 0) onto it and refuses expressions that
would never fire, such as ``0 0 31 2 *``, so a bad schedule fails when the sources are loaded
instead of when the scheduler meets it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from citynews.errors import ConfigError
from citynews.model import BERLIN

# Standard cron counts weekdays from Sunday = 0 (7 is Sunday too); APScheduler from Monday = 0.
CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Fire times looked at to measure a schedule's longest gap (a week of a daily schedule).
INTERVAL_SAMPLES = 8


def _weekdays(field: str) -> str:
    """A cron day-of-week field with numbers rewritten as day names APScheduler reads alike."""
    if field in ("*", "?"):
        return "*"
    days: list[str] = []
    for item in field.split(","):
        match = re.fullmatch(r"(\*|\d+)(?:-(\d+))?(?:/(\d+))?", item)
        if not match:
            days.append(item)  # names (mon-fri) mean the same in both worlds
            continue
        start, end, step = match.groups()
        if start == "*":
            low, high = 0, 6
        else:
            low = int(start)
            high = int(end) if end else (6 if step else low)
        if not (0 <= low <= high <= 7) or (step and int(step) < 1):
            raise ValueError(f"bad day of week {item!r}")
        days.extend(CRON_DAYS[d] for d in range(low, high + 1, int(step or 1)))
    return ",".join(dict.fromkeys(days))


def cron_trigger(expr: str, *, jitter: int | None = None) -> CronTrigger:
    """A trigger for a cron expression: 5 fields (minute first) or 6 (second first).

    Raises ConfigError for a malformed expression; see :func:`validate` for one that never
    fires.
    """
    fields = expr.split()
    if len(fields) == 5:
        fields = ["0", *fields]
    if len(fields) != 6:
        raise ConfigError(f"cron expression needs 5 fields (6 with seconds), got {expr!r}")
    second, minute, hour, day, month, weekday = fields
    try:
        return CronTrigger(
            second=second,
            minute=minute,
            hour=hour,
            day=day,
            month=month,
            day_of_week=_weekdays(weekday),
            timezone=BERLIN,
            jitter=jitter or None,
        )
    except ValueError as exc:
        raise ConfigError(f"bad cron expression {expr!r}: {exc}") from None


def next_fire(trigger: CronTrigger, now: datetime) -> datetime | None:
    """The next fire time after ``now`` (None when the expression never fires)."""
    return trigger.get_next_fire_time(None, now)


def validate(expr: str, *, now: datetime | None = None) -> CronTrigger:
    """The trigger of an expression that parses and fires at least once; else ConfigError."""
    trigger = cron_trigger(expr)
    if next_fire(trigger, now or datetime.now(BERLIN)) is None:
        raise ConfigError(f"cron expression {expr!r} never fires (no such date)")
    return trigger


def interval(expr: str | None, now: datetime) -> timedelta | None:
    """The longest gap between the next fire times of an expression (None if unusable)."""
    if not expr:
        return None
    try:
        trigger = cron_trigger(expr)
    except ConfigError:
        return None
    times: list[datetime] = []
    previous = None
    moment = now
    for _ in range(INTERVAL_SAMPLES):
        fire = trigger.get_next_fire_time(previous, moment)
        if fire is None:
            break
        times.append(fire)
        previous, moment = fire, fire + timedelta(seconds=1)
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    return max(gaps, default=None)
