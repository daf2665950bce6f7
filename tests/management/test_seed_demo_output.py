"""``manage.py seed_demo`` in a development run (DEBUG's console mail backend): the demo's
~600 notification mails go to files, not over the report, and the report ends with the logins.

Seeding takes a while, so the module seeds twice (the second run creates nothing) inside a
transaction rolled back when the module ends, as tests/demo/test_seed.py does.
"""

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import TestCase, override_settings

from benchmarking.demo.seed import seed_demo as real_seed_demo
from benchmarking.management.commands import seed_demo as command
from benchmarking.management.commands.seed_demo import CONSOLE_MAIL_BACKEND

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGINS = ("bureau", "branch", "manager", "enterprise_a", "enterprise_b", "jinhua", "zhejiang")
# What Django's file (and console) backend writes after each message.
MESSAGE_END = "-" * 79


@dataclass(frozen=True)
class Run:
    report: str  # what the command wrote to its stdout
    console: str  # anything else printed to sys.stdout meanwhile (where the console backend prints)


@dataclass(frozen=True)
class DevRuns:
    first: Run
    second: Run
    mail_dir: Path


def run_seed_demo() -> Run:
    report, console = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(console):
        call_command("seed_demo", stdout=report)
    return Run(report.getvalue(), console.getvalue())


def seed_demo_committing_its_mail():
    """The real seeder, with its on_commit callbacks (the mails) run as it finishes, as on a
    real database: inside this module's rolled-back transaction nothing ever commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return real_seed_demo()


def messages_in(directory: Path) -> list[str]:
    """The messages Django's file backend wrote into ``directory``."""
    messages = []
    for path in directory.iterdir():
        messages += [m for m in path.read_text(encoding="utf-8").split(MESSAGE_END + "\n") if m.strip()]
    return messages


@pytest.fixture(scope="module")
def dev_runs(django_db_setup, django_db_blocker, tmp_path_factory):
    mail_dir = tmp_path_factory.mktemp("demo-mail")
    with django_db_blocker.unblock(), transaction.atomic():
        with (
            # The settings of a development run (DJANGO_DEBUG=1, no DJANGO_EMAIL_BACKEND); the
            # default folder is moved out of the checkout. Undone before the tests run.
            override_settings(EMAIL_BACKEND=CONSOLE_MAIL_BACKEND, PASSWORD_HASHERS=FAST_HASHERS),
            mock.patch.object(command, "DEFAULT_MAIL_DIR", mail_dir),
            mock.patch.object(command, "seed_demo", seed_demo_committing_its_mail),
        ):
            first = run_seed_demo()
            second = run_seed_demo()
        yield DevRuns(first, second, mail_dir)
        transaction.set_rollback(True)


@pytest.fixture
def runs(dev_runs, db):
    return dev_runs


def lines_of(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("which", ["first", "second"])
def test_the_report_is_short_and_ends_with_the_logins(runs, which):
    lines = lines_of(getattr(runs, which).report)
    assert len(lines) < 60
    heading = next(i for i, line in enumerate(lines) if "演示账号" in line)
    logins = lines[heading:]
    # The logins block is the tail: the URL, one row per login, the warning, and nothing else.
    assert len(logins) == 1 + 1 + 1 + len(LOGINS) + 1
    assert "http://127.0.0.1:8000/admin/" in logins[1]
    for username, line in zip(LOGINS, logins[3:-1], strict=True):
        assert line.split()[1] == username
        assert line.split()[2].startswith("Demo-")
    assert "仅供本地演示" in logins[-1]


def test_the_mails_are_in_the_folder_not_on_the_console(runs):
    summary = re.search(r"演示数据发送了 (\d+) 封通知邮件，已写入 (\S+)/。", runs.first.report)
    assert summary, runs.first.report
    sent = int(summary.group(1))
    assert sent > 500  # invitations aside, every submission, return, publication and withdrawal
    assert Path(summary.group(2)) == runs.mail_dir
    messages = messages_in(runs.mail_dir)
    assert len(messages) == sent
    assert any("To: bureau@example.com" in message for message in messages)
    # Nothing of it reached the console, on either run.
    assert "Subject:" not in runs.first.console + runs.first.report
    assert runs.second.console == ""


def test_a_second_run_sends_nothing_and_says_so(runs):
    assert "本次未发送邮件" in runs.second.report
    assert "封通知邮件" not in runs.second.report
    assert len(messages_in(runs.mail_dir)) == int(re.search(r"发送了 (\d+) 封", runs.first.report).group(1))


# The choice of where mail goes, without seeding the whole demo: a stand-in seeder that
# sends one mail and then stops as the real one does when the clock is wrong.


def seeder_sending_one_mail():
    mail.send_mail("演示", "正文", None, ["someone@example.com"])
    raise command.DemoClockError("系统时间早于演示数据")


@pytest.fixture
def one_mail_seeder(monkeypatch, tmp_path):
    monkeypatch.setattr(command, "seed_demo", seeder_sending_one_mail)
    monkeypatch.setattr(command, "DEFAULT_MAIL_DIR", tmp_path / "default")
    return tmp_path


def test_other_backends_get_the_demos_mail_as_usual(one_mail_seeder):
    """Tests (locmem) and production (SMTP) send exactly as before."""
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["someone@example.com"]]
    assert not (one_mail_seeder / "default").exists()


def test_mail_dir_sends_the_mail_to_files_whatever_the_backend(one_mail_seeder):
    with pytest.raises(CommandError):
        call_command("seed_demo", "--mail-dir", str(one_mail_seeder / "chosen"), stdout=io.StringIO())
    assert mail.outbox == []
    assert len(messages_in(one_mail_seeder / "chosen")) == 1


@override_settings(EMAIL_BACKEND=CONSOLE_MAIL_BACKEND)
def test_the_console_backend_is_swapped_for_the_default_folder(one_mail_seeder, capsys):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=io.StringIO())
    assert "someone@example.com" not in capsys.readouterr().out
    assert len(messages_in(one_mail_seeder / "default")) == 1
