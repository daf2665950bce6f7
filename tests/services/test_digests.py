"""Reminder digests: what each kind says (only the user's own scope), the N-day boundaries, the
mail switch, and once per period however often or concurrently the job runs."""

import datetime as dt
import threading

import pytest
from django.db import connections
from django.utils import timezone

from benchmarking.choices import CertificateStatus, DigestKind
from benchmarking.models import Declaration, Digest, PinCertificate, UserProfile
from benchmarking.schedule import enqueue_due_jobs
from benchmarking.selectors.reminders import enterprise_digest_sections, staff_digest_sections
from benchmarking.services.declarations import declaration_return, declaration_submit
from benchmarking.services.digests import profile_set_receives_digests, send_digests
from tests.conftest import sh

NOW = sh(2026, 12, 7, 9)


def _texts(sections):
    return [item["text"] for section in sections for item in section["items"]]


@pytest.fixture
def waiting(declare, enterprise, other_enterprise, bureau_staff):
    """A submitted declaration of each office's enterprise, submitted exactly 3 days before NOW
    (A) and 3 days less a minute (B: not yet waiting long enough)."""
    a = declare(enterprise, model="WAIT-A")
    b = declare(other_enterprise, model="WAIT-B")
    declaration_submit(declaration=a, actor=bureau_staff, at=NOW - dt.timedelta(days=3))
    declaration_submit(declaration=b, actor=bureau_staff, at=NOW - dt.timedelta(days=3, minutes=-1))
    return a, b


@pytest.mark.django_db
def test_staff_digest_lists_what_the_reviewer_may_review_from_n_days(
    waiting, branch_staff, other_branch_staff, bureau_staff
):
    assert any("WAIT-A" in t for t in _texts(staff_digest_sections(branch_staff, now=NOW)))
    # Another office's staff never hear of A; B has waited a minute less than 3 days.
    assert staff_digest_sections(other_branch_staff, now=NOW) == []
    texts = _texts(staff_digest_sections(bureau_staff, now=NOW))
    assert any("WAIT-A" in t for t in texts) and not any("WAIT-B" in t for t in texts)
    # A minute later B has waited its 3 days too.
    later = _texts(staff_digest_sections(bureau_staff, now=NOW + dt.timedelta(minutes=1)))
    assert any("WAIT-B" in t for t in later)


@pytest.mark.django_db
def test_staff_digest_links_open_for_the_reviewer(client, waiting, branch_staff):
    client.force_login(branch_staff)
    for section in staff_digest_sections(branch_staff, now=NOW):
        for item in section["items"]:
            assert client.get(item["url"]).status_code == 200


@pytest.mark.django_db
def test_enterprise_digest_returned_drafts_and_certificates(
    declare, enterprise, enterprise_user, other_enterprise, bureau_staff
):
    returned = declare(enterprise, model="RET-1")
    declaration_submit(declaration=returned, actor=bureau_staff, at=NOW - dt.timedelta(days=9))
    declaration_return(
        declaration=returned, actor=bureau_staff, comment="补充", at=NOW - dt.timedelta(days=7)
    )
    fresh = declare(enterprise, model="RET-2")
    declaration_submit(declaration=fresh, actor=bureau_staff, at=NOW - dt.timedelta(days=9))
    declaration_return(declaration=fresh, actor=bureau_staff, comment="补充", at=NOW - dt.timedelta(days=6))
    idle = declare(enterprise, model="DRAFT-OLD")
    new = declare(enterprise, model="DRAFT-NEW")
    Declaration.objects.filter(pk=idle.pk).update(updated_at=NOW - dt.timedelta(days=14))
    Declaration.objects.filter(pk=new.pk).update(updated_at=NOW - dt.timedelta(days=13))
    theirs = declare(other_enterprise, model="DRAFT-THEIRS")
    Declaration.objects.filter(pk=theirs.pk).update(updated_at=NOW - dt.timedelta(days=30))
    today = timezone.localdate(NOW)
    for number, expires, status in [
        ("PZB-60", today + dt.timedelta(days=60), CertificateStatus.VALID),
        ("PZB-61", today + dt.timedelta(days=61), CertificateStatus.VALID),
        ("PZB-PAST", today - dt.timedelta(days=1), CertificateStatus.VALID),
        ("PZB-REVOKED", today, CertificateStatus.REVOKED),
    ]:
        PinCertificate.objects.create(
            enterprise=enterprise,
            number=number,
            product="保温杯",
            issued_on=dt.date(2024, 1, 1),
            expires_on=expires,
            status=status,
        )
    PinCertificate.objects.create(
        enterprise=other_enterprise,
        number="PZB-THEIRS",
        product="门",
        issued_on=dt.date(2024, 1, 1),
        expires_on=today,
    )

    text = " ".join(_texts(enterprise_digest_sections(enterprise_user, now=NOW)))
    for shown in ("RET-1", "DRAFT-OLD", "PZB-60", "PZB-PAST"):
        assert shown in text
    for hidden in ("RET-2", "DRAFT-NEW", "DRAFT-THEIRS", "PZB-61", "PZB-REVOKED", "PZB-THEIRS"):
        assert hidden not in text


@pytest.mark.django_db
def test_no_empty_digests_and_the_mail_switch(
    waiting, branch_staff, other_branch_staff, bureau_staff, mailoutbox, django_capture_on_commit_callbacks
):
    branch_staff.email = "branch@example.cn"
    branch_staff.save()
    bureau_staff.email = "bureau@example.cn"
    bureau_staff.save()
    profile_set_receives_digests(user=bureau_staff, receives=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(kind=DigestKind.STAFF, period="2026-12-07", now=NOW) == 2
    # Bureau staff turned mails off: a digest on the page, no mail; the other office: nothing.
    assert [m.to for m in mailoutbox] == [["branch@example.cn"]]
    assert "WAIT-A" in mailoutbox[0].body
    assert mailoutbox[0].subject.endswith("（2026年12月7日）")
    assert set(Digest.objects.values_list("user__username", flat=True)) == {"branch", "bureau"}
    assert Digest.objects.get(user=branch_staff).mailed_at is not None
    assert Digest.objects.get(user=bureau_staff).mailed_at is None
    assert UserProfile.objects.get(user=bureau_staff).history.latest().history_user == bureau_staff


@pytest.mark.django_db
def test_running_the_job_twice_sends_once(
    waiting, branch_staff, mailoutbox, django_capture_on_commit_callbacks
):
    branch_staff.email = "branch@example.cn"
    branch_staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(kind=DigestKind.STAFF, period="2026-12-07", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests(kind=DigestKind.STAFF, period="2026-12-07", now=NOW) == 0
    assert Digest.objects.filter(user=branch_staff).count() == 1
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_manager_monthly_summary_always_sent(records, manager):
    assert send_digests(kind=DigestKind.MANAGER_MONTHLY, period="2025-01") == 1
    digest = Digest.objects.get(user=manager)
    titles = [s["title"] for s in digest.sections]
    assert titles[0].startswith("2024-12-31")
    text = " ".join(_texts(digest.sections))
    assert "完成对标企业" in text and "计划时间已过" in text


@pytest.mark.django_db
def test_schedule_queues_each_digest_job_once_per_period(
    manager, records, django_capture_on_commit_callbacks
):
    monday_first = sh(2025, 12, 1, 9)  # a Monday and the 1st: all three are due
    queued = enqueue_due_jobs(monday_first, names=["staff_digest", "enterprise_digest", "manager_digest"])
    assert sorted(queued) == [
        "enterprise_digest 2025-W49",
        "manager_digest 2025-12",
        "staff_digest 2025-12-01",
    ]
    assert enqueue_due_jobs(monday_first, names=["staff_digest", "enterprise_digest", "manager_digest"]) == []
    assert Digest.objects.filter(user=manager, period="2025-12").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_one_digest_each(waiting, branch_staff, mailoutbox):
    branch_staff.email = "branch@example.cn"
    branch_staff.save()
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait(timeout=10)
            send_digests(kind=DigestKind.STAFF, period="2026-12-07", now=NOW)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Digest.objects.filter(user=branch_staff).count() == 1
    assert [m.to for m in mailoutbox] == [["branch@example.cn"]]


@pytest.mark.django_db
def test_one_users_failure_costs_nobody_else_their_digest(waiting, branch_staff, bureau_staff, monkeypatch):
    from benchmarking.services import digests

    real = digests.sections_for

    def broken_for_bureau(kind, user, **kwargs):
        if user == bureau_staff:
            raise RuntimeError("a broken profile")
        return real(kind, user, **kwargs)

    monkeypatch.setattr(digests, "sections_for", broken_for_bureau)
    with pytest.raises(digests.DigestsIncomplete, match=str(bureau_staff.pk)):
        send_digests(kind=DigestKind.STAFF, period="2026-12-07", now=NOW)
    assert list(Digest.objects.values_list("user__username", flat=True)) == ["branch"]
    # Run again once mended: the missing digest is written, the other not twice.
    monkeypatch.setattr(digests, "sections_for", real)
    assert send_digests(kind=DigestKind.STAFF, period="2026-12-07", now=NOW) == 1
    assert sorted(Digest.objects.values_list("user__username", flat=True)) == ["branch", "bureau"]
