"""The review queue and its decisions (benchmarking/views/review.py): who may open them,
the scope, the order, publishing and returning through the services, the refusals shown
as messages or form errors, the mail after the commit, and the number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from benchmarking.choices import DeclarationStatus
from benchmarking.models import Declaration, DeclarationAction, DeclarationEvent
from benchmarking.services.declarations import declaration_create, declaration_publish, declaration_submit

# Measured and pinned: the same at 5 and at 50 declarations in the queue (browsing writes no
# session: benchmarking.sessions).
# The user comes with their profile in one query (benchmarking.backends).
# Queue, branch-office staff searching: session, user, role groups, count, rows.
QUEUE_QUERIES = 5
# Queue, bureau staff choosing an office: session, user, role groups, the office chosen
# (validation), count, rows, the office choice list.
QUEUE_QUERIES_BUREAU = 7
# Detail: session, user, role groups, the declaration, its items, evidence and events,
# the history of the declaration, of its executed standards, of its items and of its evidence,
# the next one in the queue.
DETAIL_QUERIES = 12

NOW = timezone.now()


def ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


@pytest.fixture
def indicators(scheme):
    return dict(scheme.indicators.values_list("name", "pk"))


@pytest.fixture
def declare(scheme, executed_standard, indicators):
    """declare(user, enterprise, model=…, submitted=instant or None, good=True) -> a declaration
    created by the enterprise user, submitted at ``submitted`` unless None (a draft)."""

    def make(user, enterprise, *, model, submitted=None, good=True, product_name="真空保温杯"):
        if good:  # every indicator meets its benchmark
            values = {
                indicators["保温效能"]: Decimal("13"),
                indicators["铅迁移量"]: Decimal("0.005"),
                indicators["外观"]: True,
            }
        else:  # every indicator falls short of it
            values = {
                indicators["保温效能"]: Decimal("10"),
                indicators["铅迁移量"]: Decimal("0.02"),
                indicators["外观"]: False,
            }
        declaration = declaration_create(
            actor=user,
            enterprise=enterprise,
            scheme=scheme,
            product_name=product_name,
            product_model=model,
            executed_standard=executed_standard,
            values=values,
            at=(submitted or NOW) - dt.timedelta(hours=1),
        )
        if submitted is None:
            return declaration
        return declaration_submit(declaration=declaration, actor=user, at=submitted)

    return make


@pytest.fixture
def submitted(declare, enterprise_user, enterprise):
    """A submitted declaration of enterprise 甲 (东城所, the office of ``branch_staff``)."""
    return declare(enterprise_user, enterprise, model="YK-500", submitted=ago(3))


@pytest.fixture
def submitted_elsewhere(declare, other_enterprise_user, other_enterprise):
    """A submitted declaration of enterprise 乙 (西城所)."""
    return declare(other_enterprise_user, other_enterprise, model="MY-1", submitted=ago(5))


def urls(declaration) -> dict[str, str]:
    return {
        "detail": reverse("review-detail", args=[declaration.pk]),
        "publish": reverse("review-publish", args=[declaration.pk]),
        "return": reverse("review-return", args=[declaration.pk]),
    }


def queued(response) -> list[Declaration]:
    assert response.status_code == 200, response.status_code
    return list(response.context["object_list"])


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def events(declaration, action) -> list[DeclarationEvent]:
    return list(DeclarationEvent.objects.filter(declaration=declaration, action=action))


# ---------------------------------------------------------------------------
# who may open the review pages


def test_anonymous_users_are_sent_to_the_login(client, submitted):
    for url in [reverse("review-queue"), urls(submitted)["detail"]]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for url in [urls(submitted)["publish"], urls(submitted)["return"]]:
        response = client.post(url, {"reason": "缺少检测报告"})
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED


def test_enterprise_users_and_managers_are_refused(client, submitted, enterprise_user, manager):
    for user in (enterprise_user, manager):
        client.force_login(user)
        assert client.get(reverse("review-queue")).status_code == 403
        assert client.get(urls(submitted)["detail"]).status_code == 403
        assert client.post(urls(submitted)["publish"]).status_code == 403
        assert client.post(urls(submitted)["return"], {"reason": "不合格"}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED
    assert len(events(submitted, DeclarationAction.PUBLISH)) == 0


def test_another_offices_declaration_is_not_there(client, submitted, other_branch_staff):
    client.force_login(other_branch_staff)
    assert submitted not in queued(client.get(reverse("review-queue")))
    assert client.get(urls(submitted)["detail"]).status_code == 404
    assert client.post(urls(submitted)["publish"], {"comment": "越权"}).status_code == 404
    assert client.post(urls(submitted)["return"], {"reason": "越权"}).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED
    assert submitted.events.count() == 2  # created, submitted: nothing more


def test_the_decision_urls_take_only_posts(client, submitted, bureau_staff):
    client.force_login(bureau_staff)
    assert client.get(urls(submitted)["publish"]).status_code == 405
    assert client.get(urls(submitted)["return"]).status_code == 405


def test_reviewers_see_the_queue_in_the_navigation(client, bureau_staff, manager):
    client.force_login(bureau_staff)
    assert f'href="{reverse("review-queue")}"' in client.get(reverse("home")).content.decode()
    client.force_login(manager)
    assert f'href="{reverse("review-queue")}"' not in client.get(reverse("home")).content.decode()


# ---------------------------------------------------------------------------
# the queue


def test_the_queue_lists_submitted_declarations_oldest_first(
    client, declare, enterprise, enterprise_user, branch_staff, bureau_staff, submitted_elsewhere
):
    newest = declare(enterprise_user, enterprise, model="N-1", submitted=ago(1))
    oldest = declare(enterprise_user, enterprise, model="O-1", submitted=ago(10))
    middle = declare(enterprise_user, enterprise, model="M-1", submitted=ago(4))
    declare(enterprise_user, enterprise, model="D-1")  # a draft: not for review
    published = declare(enterprise_user, enterprise, model="P-1", submitted=ago(20))
    declaration_publish(declaration=published, actor=bureau_staff)

    client.force_login(branch_staff)
    response = client.get(reverse("review-queue"))
    assert queued(response) == [oldest, middle, newest]
    assert "共 3 项待审核" in response.content.decode()

    client.force_login(bureau_staff)  # every office's
    assert queued(client.get(reverse("review-queue"))) == [oldest, submitted_elsewhere, middle, newest]


def test_the_queue_shows_what_a_reviewer_decides_by(
    client, declare, enterprise, enterprise_user, branch_staff
):
    poor = declare(enterprise_user, enterprise, model="BAD-1", submitted=ago(9.5), good=False)
    fine = declare(enterprise_user, enterprise, model="GOOD-1", submitted=ago(2))
    client.force_login(branch_staff)
    response = client.get(reverse("review-queue"))
    rows = {row.pk: row for row in queued(response)}
    assert rows[poor.pk].worse_count == 3  # two numbers worse, appearance failed
    assert rows[fine.pk].worse_count == 0
    assert rows[poor.pk].waited_days == 9
    assert rows[fine.pk].waited_days == 2
    page = response.content.decode()
    assert timezone.localtime(poor.submitted_at).strftime("%Y-%m-%d %H:%M") in page
    assert "落后" in page and "领先" in page  # the computed grades
    assert "9 天" in page
    assert "东城市场监管所" in page and poor.scheme.code in page
    assert f'href="{reverse("review-detail", args=[poor.pk])}"' in page


def test_an_empty_queue_says_so(client, branch_staff):
    client.force_login(branch_staff)
    response = client.get(reverse("review-queue"))
    page = response.content.decode()
    assert "共 0 项待审核" in page
    assert "目前没有待审核的声明" in page
    assert 'class="table-scroll' in page


def test_search_and_office_filter(
    client, declare, enterprise, enterprise_user, submitted, submitted_elsewhere, bureau_staff, branch_staff
):
    kettle = declare(enterprise_user, enterprise, model="ＨＵ-9", submitted=ago(2), product_name="电热水壶")
    client.force_login(bureau_staff)
    queue = reverse("review-queue")
    assert queued(client.get(queue, {"q": "水壶"})) == [kettle]
    assert queued(client.get(queue, {"q": "乙门业"})) == [submitted_elsewhere]
    assert queued(client.get(queue, {"q": submitted.scheme.code})) == [submitted_elsewhere, submitted, kettle]
    office = enterprise.branch_office
    assert queued(client.get(queue, {"branch_office": office.pk})) == [submitted, kettle]
    response = client.get(queue, {"q": "没有这个"})
    assert queued(response) == [] and "没有符合条件的待审核声明" in response.content.decode()
    # An office that does not exist is explained, and nothing is listed rather than everything.
    response = client.get(queue, {"branch_office": "999999"})
    assert queued(response) == [] and "所选监管所不存在" in response.content.decode()

    # Branch-office staff have one office: no office choice, and the search stays within it.
    client.force_login(branch_staff)
    response = client.get(
        queue, {"q": "永康", "branch_office": submitted_elsewhere.enterprise.branch_office_id}
    )
    assert "branch_office" not in response.context["filter"].form.fields
    assert queued(response) == [submitted, kettle]


def test_a_long_queue_is_paged_by_fifty(client, declare, enterprise, enterprise_user, branch_staff):
    made = [
        declare(enterprise_user, enterprise, model=f"P-{i:02d}", submitted=ago(60 - i)) for i in range(51)
    ]
    client.force_login(branch_staff)
    first = client.get(reverse("review-queue"))
    assert queued(first) == made[:50]
    assert "共 51 项待审核" in first.content.decode()
    assert queued(client.get(reverse("review-queue"), {"page": 2})) == made[50:]


# ---------------------------------------------------------------------------
# the detail page


def test_the_detail_shows_the_declaration_and_both_forms(client, submitted, branch_staff, declare):
    later = declare(submitted.created_by, submitted.enterprise, model="LATER", submitted=ago(1))
    client.force_login(branch_staff)
    response = client.get(urls(submitted)["detail"])
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("永康甲杯业有限公司", "YK-500", "保温效能", "铅迁移量", "外观", "尚未上传证明材料", "提交"):
        assert text in page
    assert f'action="{urls(submitted)["publish"]}"' in page
    assert f'action="{urls(submitted)["return"]}"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert reverse("admin:benchmarking_declaration_change", args=[submitted.pk]) in page
    # How the grade follows from the indicators, in one line, from rules.grade_explanation.
    assert response.context["grade_explained"] in page
    assert "项核心指标评定" in response.context["grade_explained"]
    # The next one in the queue: submitted after this one.
    assert response.context["next_pk"] == later.pk
    assert f'href="{urls(later)["detail"]}"' in page
    assert client.get(urls(later)["detail"]).context["next_pk"] is None


def test_a_declaration_not_submitted_opens_read_only(
    client, declare, enterprise, enterprise_user, branch_staff
):
    draft = declare(enterprise_user, enterprise, model="DRAFT-1")
    client.force_login(branch_staff)
    response = client.get(urls(draft)["detail"])
    assert response.status_code == 200
    page = response.content.decode()
    assert "该声明当前为“草稿”，不在待审核状态" in page
    assert urls(draft)["publish"] not in page and urls(draft)["return"] not in page
    assert "publish_form" not in response.context


# ---------------------------------------------------------------------------
# publishing and returning


def test_publishing_moves_it_through_the_service(client, submitted, branch_staff):
    client.force_login(branch_staff)
    response = client.post(urls(submitted)["publish"], {"comment": "  材料齐全  "}, follow=True)
    assert response.redirect_chain == [(reverse("review-queue"), 302)]
    assert "已发布：永康甲杯业有限公司 · 真空保温杯 YK-500" in message_texts(response)
    assert submitted not in queued(response)
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.PUBLISHED
    assert submitted.published_at is not None
    [event] = events(submitted, DeclarationAction.PUBLISH)
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        branch_staff,
        DeclarationStatus.SUBMITTED,
        DeclarationStatus.PUBLISHED,
        "材料齐全",
    )


def test_returning_moves_it_back_with_the_reason(client, submitted, bureau_staff):
    client.force_login(bureau_staff)
    response = client.post(urls(submitted)["return"], {"reason": "请补充第三方检测报告"})
    assert response.status_code == 302 and response.url == reverse("review-queue")
    assert "已退回：永康甲杯业有限公司 · 真空保温杯 YK-500" in message_texts(response)
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.RETURNED
    [event] = events(submitted, DeclarationAction.RETURN)
    assert (event.actor, event.to_status, event.comment) == (
        bureau_staff,
        DeclarationStatus.RETURNED,
        "请补充第三方检测报告",
    )


@pytest.mark.parametrize("reason", ["", "   "])
def test_returning_without_a_reason_is_a_form_error(client, submitted, branch_staff, reason):
    client.force_login(branch_staff)
    response = client.post(urls(submitted)["return"], {"reason": reason})
    assert response.status_code == 200
    form = response.context["return_form"]
    assert form.errors["reason"] == ["请填写退回理由。"]
    page = response.content.decode()
    assert "请填写退回理由。" in page
    assert "保温效能" in page  # the rest of the page is still there to decide by
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED
    assert events(submitted, DeclarationAction.RETURN) == []


def test_a_refusal_by_the_service_shows_on_the_form(client, submitted, branch_staff, scheme, bureau_staff):
    from benchmarking.services.schemes import scheme_withdraw

    scheme_withdraw(scheme=scheme, actor=bureau_staff, reason="新版替代")
    client.force_login(branch_staff)
    response = client.post(urls(submitted)["publish"], {"comment": ""})
    assert response.status_code == 200
    assert response.context["publish_form"].non_field_errors() == [
        f"技术方案“{scheme.code}”当前为“已撤销”，不能再据此提交或发布声明。"
    ]
    assert "不能再据此提交或发布声明" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED


@pytest.mark.parametrize("action, data", [("publish", {"comment": ""}), ("return", {"reason": "不合格"})])
def test_a_plain_validation_error_from_the_service_shows_on_the_form(
    client, submitted, branch_staff, monkeypatch, action, data
):
    # Not a WorkflowError: what a model's full_clean inside the service raises.
    def refuse(**kwargs):
        raise ValidationError("检测报告已过期，请企业重新上传。")

    monkeypatch.setattr(f"benchmarking.views.review.declaration_{action}", refuse)
    client.force_login(branch_staff)
    response = client.post(urls(submitted)[action], data)
    assert response.status_code == 200
    assert response.context[f"{action}_form"].non_field_errors() == ["检测报告已过期，请企业重新上传。"]
    assert "检测报告已过期，请企业重新上传。" in response.content.decode()


@pytest.mark.parametrize("action, data", [("publish", {"comment": ""}), ("return", {"reason": "不合格"})])
def test_a_failed_full_clean_in_the_service_shows_on_the_form_and_changes_nothing(
    client, submitted, branch_staff, monkeypatch, action, data
):
    # Per-field errors, named by model fields the decision forms do not have.
    def full_clean(self, *args, **kwargs):
        raise ValidationError({"product_model": ["型号格式有误。"], "published_at": ["发布日期有误。"]})

    monkeypatch.setattr(Declaration, "full_clean", full_clean)
    client.force_login(branch_staff)
    response = client.post(urls(submitted)[action], data)
    assert response.status_code == 200
    assert sorted(response.context[f"{action}_form"].non_field_errors()) == [
        "发布日期有误。",
        "型号格式有误。",
    ]
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.SUBMITTED
    assert events(submitted, DeclarationAction.PUBLISH) == events(submitted, DeclarationAction.RETURN) == []


def test_publishing_a_draft_is_a_message_not_a_change(
    client, declare, enterprise, enterprise_user, branch_staff
):
    draft = declare(enterprise_user, enterprise, model="DRAFT-2")
    client.force_login(branch_staff)
    response = client.post(urls(draft)["publish"], {"comment": ""}, follow=True)
    assert response.redirect_chain == [(urls(draft)["detail"], 302)]
    assert message_texts(response) == ["“草稿”状态的声明不能发布。"]
    draft.refresh_from_db()
    assert draft.status == DeclarationStatus.DRAFT
    assert events(draft, DeclarationAction.PUBLISH) == []


def test_a_declaration_someone_else_decided_on_is_a_message(client, submitted, branch_staff, bureau_staff):
    client.force_login(branch_staff)
    client.get(urls(submitted)["detail"])  # the branch office opens it ...
    declaration_publish(declaration=submitted, actor=bureau_staff)  # ... the bureau publishes first
    for action, data in (("publish", {"comment": ""}), ("return", {"reason": "不合格"})):
        response = client.post(urls(submitted)[action], data, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain == [(urls(submitted)["detail"], 302)]
        assert message_texts(response) == ["该声明已被其他工作人员处理（当前状态：已发布，操作人：bureau）。"]
        assert "该声明当前为“已发布”" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == DeclarationStatus.PUBLISHED
    assert len(events(submitted, DeclarationAction.PUBLISH)) == 1
    assert events(submitted, DeclarationAction.RETURN) == []


def test_deciding_twice_is_a_message(client, submitted, branch_staff):
    client.force_login(branch_staff)
    client.post(urls(submitted)["publish"], {"comment": ""})
    response = client.post(urls(submitted)["publish"], {"comment": ""})  # a second click
    # The first click's success message is still unread: the second one's comes after it.
    assert message_texts(response)[-1] == "您已处理过该声明（当前状态：已发布）。"
    assert len(events(submitted, DeclarationAction.PUBLISH)) == 1


# ---------------------------------------------------------------------------
# mail, after the commit


@pytest.mark.parametrize(
    "action, data, subject",
    [
        ("publish", {"comment": "材料齐全"}, "对标声明已发布"),
        ("return", {"reason": "请补充检测报告"}, "对标声明已退回"),
    ],
)
def test_the_enterprise_is_mailed_after_the_commit(
    client,
    submitted,
    branch_staff,
    enterprise_user,
    mailoutbox,
    django_capture_on_commit_callbacks,
    action,
    data,
    subject,
):
    enterprise_user.email = "zhang@example.cn"
    enterprise_user.save()
    mailoutbox.clear()
    client.force_login(branch_staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(urls(submitted)[action], data)
    # Registered for the commit, not sent inside the transaction.
    assert len(callbacks) == 1
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert [mail.to for mail in mailoutbox] == [["zhang@example.cn"]]
    assert subject in mailoutbox[0].subject
    comment = data.get("comment") or data.get("reason")
    assert comment in mailoutbox[0].body


def test_nothing_is_mailed_when_nothing_moved(
    client, submitted, branch_staff, enterprise_user, mailoutbox, django_capture_on_commit_callbacks
):
    enterprise_user.email = "zhang@example.cn"
    enterprise_user.save()
    client.force_login(branch_staff)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(urls(submitted)["return"], {"reason": ""})
    assert callbacks == [] and mailoutbox == []


# ---------------------------------------------------------------------------
# a fixed number of queries, however long the queue


def _queue_of(n, *, declare, enterprise_user, enterprise):
    return [
        declare(enterprise_user, enterprise, model=f"Q-{i:02d}", submitted=ago(n - i), good=bool(i % 2))
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [5, 50])
def test_the_queue_costs_a_fixed_number_of_queries(
    client, declare, enterprise, enterprise_user, branch_staff, bureau_staff, django_assert_num_queries, n
):
    _queue_of(n, declare=declare, enterprise_user=enterprise_user, enterprise=enterprise)
    client.force_login(branch_staff)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("review-queue"), {"q": "永康 保温杯"})
    assert len(queued(response)) == n
    client.force_login(bureau_staff)
    with django_assert_num_queries(QUEUE_QUERIES_BUREAU):
        response = client.get(reverse("review-queue"), {"branch_office": enterprise.branch_office_id})
    assert len(queued(response)) == n


@pytest.mark.parametrize("n", [5, 50])
def test_the_detail_costs_a_fixed_number_of_queries(
    client, declare, enterprise, enterprise_user, branch_staff, django_assert_num_queries, n
):
    made = _queue_of(n, declare=declare, enterprise_user=enterprise_user, enterprise=enterprise)
    client.force_login(branch_staff)
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(urls(made[n // 2])["detail"])
    assert response.status_code == 200
    assert response.context["next_pk"] == made[n // 2 + 1].pk
