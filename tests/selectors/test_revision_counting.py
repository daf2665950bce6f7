"""A revised scheme and its revision count once between them; results on the old one keep counting."""

import datetime as dt

from benchmarking.selectors.progress import counted_schemes, monthly_progress, progress_as_of
from benchmarking.services.schemes import scheme_publish, start_revision
from tests.conftest import sh


def test_revision_counts_in_place_of_the_old_scheme(list_scheme, declare, enterprise, bureau_staff):
    declare(enterprise, model="A-1", published=sh(2024, 5, 10))
    revision = scheme_publish(
        scheme=start_revision(list_scheme, actor=bureau_staff), actor=bureau_staff, at=sh(2024, 8, 15)
    )
    before, after = dt.date(2024, 8, 14), dt.date(2024, 8, 16)
    assert list(counted_schemes(before)) == [list_scheme]
    assert list(counted_schemes(after)) == [revision]
    for day in (before, after):
        progress = progress_as_of(day)
        assert (progress.schemes, progress.enterprises, progress.results) == (1, 1, 1)

    months = [dt.date(2024, m, 1) for m in range(4, 11)]
    trend = monthly_progress(months, as_of=dt.date(2024, 10, 31))
    for month, point in zip(months, trend, strict=True):
        end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        expected = progress_as_of(end)
        assert (point.schemes, point.results) == (expected.schemes, expected.results), month
