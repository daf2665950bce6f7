"""The daily job that moves standards along the calendar (docs/domain.md "Standards over time"):
``services.standards.apply_calendar`` for the day of its period, registered with ``schedule`` as
``standards_calendar``, from 01:00 local time."""

import datetime as dt
import logging

from django_tasks import task

from .schedule import scheduled
from .services.standards import apply_calendar

logger = logging.getLogger(__name__)

__all__ = ["standards_calendar"]


@scheduled("standards_calendar", every="day", hour=1)
@task()
def standards_calendar(*, period: str) -> list[str]:
    """Apply the calendar for the day ``period`` names ("2026-12-06"): the day the job was due,
    not the day a worker that was down happens to run it. Returns what changed, one line each."""
    changes = apply_calendar(dt.date.fromisoformat(period))
    for change in changes:
        logger.info("standards_calendar %s: %s", period, change)
    return [str(change) for change in changes]
