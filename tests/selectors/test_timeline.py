"""A declaration's history as the portal and the review page show it."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from benchmarking.models import Declaration
from benchmarking.selectors.declarations import declarations_with_parts
from benchmarking.selectors.timeline import declaration_timeline
from benchmarking.services.declarations import (
    declaration_attach_evidence,
    declaration_create,
    declaration_remove_evidence,
    declaration_return,
    declaration_submit,
    declaration_update,
)


def test_every_move_and_edit_in_order_with_who_and_what(
    enterprise, enterprise_user, bureau_staff, scheme, executed_standard, django_assert_num_queries
):
    heat = scheme.indicators.get(name="保温效能")
    declaration = declaration_create(
        actor=enterprise_user,
        enterprise=enterprise,
        scheme=scheme,
        product_name="保温杯",
        product_model="A-1",
        executed_standard=executed_standard,
        values={heat.pk: Decimal("10")},
    )
    (evidence,) = declaration_attach_evidence(
        declaration=declaration, actor=enterprise_user, files=[SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n")]
    )
    declaration_update(declaration=declaration, actor=enterprise_user, product_name="真空保温杯")
    declaration_update(
        declaration=declaration,
        actor=enterprise_user,
        values={
            heat.pk: Decimal("12.50"),
            scheme.indicators.get(name="铅迁移量").pk: Decimal("0.008"),
            scheme.indicators.get(name="外观").pk: True,
        },
    )
    declaration_submit(declaration=declaration, actor=enterprise_user)
    declaration_return(declaration=declaration, actor=bureau_staff, comment="请补充检测报告原件")
    declaration_remove_evidence(declaration=declaration, actor=enterprise_user, evidence_ids=[evidence.pk])

    loaded = declarations_with_parts(Declaration.objects).get(pk=declaration.pk)
    with django_assert_num_queries(4):  # declaration history, standards, item history, evidence history
        entries = declaration_timeline(loaded)
    shown = [(entry.title, entry.actor.username, entry.changes, entry.comment) for entry in entries]
    assert shown == [
        ("创建", "ent_a", [], ""),
        ("上传证明材料", "ent_a", ["报告"], ""),
        ("修改声明信息", "ent_a", ["产品名称：保温杯 → 真空保温杯"], ""),
        # A first value (blank before) is an edit too; the number is shown as typed, not 12.500000.
        ("修改指标声明值", "ent_a", ["保温效能：10 → 12.5", "铅迁移量：— → 0.008", "外观：— → 符合"], ""),
        # The submission fills in the declaration date: part of the move, not an edit.
        ("提交：草稿 → 已提交", "ent_a", [], ""),
        ("退回：已提交 → 已退回", "bureau", [], "请补充检测报告原件"),
        ("删除证明材料", "ent_a", ["报告"], ""),
    ]
    assert [entry.is_move for entry in entries] == [True, False, False, False, True, True, False]
