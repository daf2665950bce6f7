"""People are named surname first, given name after, no space — 应立新 — wherever a name shows:
the header, the declaration history, the review pages, the admin and the mails
(benchmarking.people.full_name)."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.template.loader import render_to_string
from django.urls import reverse

from benchmarking.people import chinese_name, full_name
from benchmarking.selectors.timeline import declaration_timeline

ROOT = Path(__file__).resolve().parent.parent


def named(user, *, surname="应", given="立新"):
    user.last_name, user.first_name = surname, given
    user.save(update_fields=["last_name", "first_name"])
    return user


def test_surname_then_given_name_without_a_space():
    assert full_name(User(username="bureau", first_name="立新", last_name="应")) == "应立新"
    assert chinese_name(User(username="bureau", first_name="立新", last_name="应")) == "应立新"


def test_one_name_field_reads_as_that_field():
    # Enterprise logins keep the whole name in first_name (services.accounts).
    assert full_name(User(username="ent", first_name="吕海峰")) == "吕海峰"
    assert full_name(User(username="ent", last_name="吕")) == "吕"


def test_no_name_falls_back_to_the_username_and_no_user_to_nothing():
    assert full_name(User(username="bureau", first_name=" ", last_name="")) == "bureau"
    assert chinese_name(User(username="bureau")) == ""
    assert full_name(None) == ""
    assert full_name(AnonymousUser()) == ""


def test_no_template_or_module_names_people_the_western_way():
    """get_full_name puts the given name first: every name goes through benchmarking.people."""
    # Django's admin/base.html, copied as is but for its lang (admin/base_site.html overrides its
    # greeting), and the module that explains the rule.
    allowed = {"templates/admin/base.html", "benchmarking/people.py"}
    offenders = []
    for folder, pattern in (("templates", "*.*"), ("benchmarking", "*.py")):
        for path in (ROOT / folder).rglob(pattern):
            if path.suffix in {".html", ".txt", ".py"} and "migrations" not in path.parts:
                name = str(path.relative_to(ROOT))
                if name not in allowed and re.search(
                    r"get_full_name|get_short_name", path.read_text("utf-8")
                ):
                    offenders.append(name)
    assert offenders == []


@pytest.mark.django_db
def test_the_header_names_the_user_in_chinese_order(client, bureau_staff):
    client.force_login(named(bureau_staff))
    page = client.get(reverse("public-results")).content.decode()
    assert '<span class="who">应立新</span>' in page


@pytest.mark.django_db
def test_the_declaration_history_names_the_actor_in_chinese_order(declare, enterprise, bureau_staff):
    named(bureau_staff)
    declaration = declare(enterprise, model="A-1")
    html = render_to_string(
        "benchmarking/declarations/_timeline.html", {"timeline": declaration_timeline(declaration)}
    )
    assert "应立新" in html and "立新 应" not in html


@pytest.mark.django_db
def test_the_admin_names_people_in_chinese_order(client, declare, enterprise, bureau_staff):
    named(bureau_staff)
    declaration = declare(enterprise, model="A-1")
    client.force_login(bureau_staff)

    change = client.get(
        reverse("admin:benchmarking_declaration_change", args=[declaration.pk])
    ).content.decode()
    assert "<strong>应立新</strong>" in change  # the header's greeting
    assert re.search(r"录入人:</label>\s*<div class=\"readonly\">应立新</div>", change)
    assert re.search(r'<td class="field-actor_name">\s*<p>应立新</p>', change)

    users = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert '<td class="field-name">应立新</td>' in users

    events = client.get(reverse("admin:benchmarking_declarationevent_changelist")).content.decode()
    assert '<td class="field-actor_name">应立新</td>' in events

    history = client.get(
        reverse("admin:benchmarking_declaration_history", args=[declaration.pk])
    ).content.decode()
    assert re.search(r">\s*应立新\s*</a>", history)
    assert "bureau</a>" not in history


@pytest.mark.django_db
def test_mails_greet_the_user_in_chinese_order(bureau_staff):
    named(bureau_staff)
    mail = render_to_string(
        "benchmarking/mail/account_invitation.txt",
        {"user": bureau_staff, "enterprise": None, "link": "https://example.invalid/"},
    )
    assert mail.startswith("应立新，您好")
    reset = render_to_string("registration/password_reset_email.html", {"user": bureau_staff})
    assert reset.startswith("应立新，您好")
