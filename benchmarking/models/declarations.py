"""Self-declared benchmarking results (自我声明对标结果) and their workflow history."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import Comparison, DeclarationStatus, Grade
from ..uploads import validate_document_upload
from ..validators import validate_national_platform_url
from .base import VersionedModel

__all__ = [
    "DECLARATION_TRANSITIONS",
    "Declaration",
    "DeclarationAction",
    "DeclarationEvent",
    "DeclarationEvidence",
    "DeclarationItem",
    "DeclarationTransition",
]


class DeclarationAction(models.TextChoices):
    CREATE = "create", _("创建")
    SUBMIT = "submit", _("提交")
    PUBLISH = "publish", _("发布")
    RETURN = "return", _("退回")
    WITHDRAW = "withdraw", _("撤回")


@dataclass(frozen=True)
class DeclarationTransition:
    """One move of the declaration workflow and who may make it."""

    sources: frozenset[str]
    target: str
    by_enterprise: bool
    by_staff: bool
    reason_required: bool = False
    # Extra sources allowed only for a paper declaration that staff entered themselves.
    paper_sources: frozenset[str] = frozenset()
    # The date field the move stamps with its moment ("" for none); a repeated move (a second
    # submission after a return) stamps it again.
    stamps: str = ""
    # Whether the move fills in a missing 声明日期 with its own day (Asia/Shanghai).
    dates_declaration: bool = False


S = DeclarationStatus
# The one table of legal moves and what each stamps (docs/domain.md, "The declaration
# workflow"); workflow.apply_move is the one function that applies it.
DECLARATION_TRANSITIONS: dict[str, DeclarationTransition] = {
    DeclarationAction.SUBMIT: DeclarationTransition(
        sources=frozenset({S.DRAFT, S.RETURNED}),
        target=S.SUBMITTED,
        by_enterprise=True,
        by_staff=True,
        stamps="submitted_at",
        dates_declaration=True,
    ),
    DeclarationAction.PUBLISH: DeclarationTransition(
        sources=frozenset({S.SUBMITTED}),
        target=S.PUBLISHED,
        by_enterprise=False,
        by_staff=True,
        paper_sources=frozenset({S.DRAFT}),
        stamps="published_at",
        dates_declaration=True,
    ),
    DeclarationAction.RETURN: DeclarationTransition(
        sources=frozenset({S.SUBMITTED}),
        target=S.RETURNED,
        by_enterprise=False,
        by_staff=True,
        reason_required=True,
    ),
    DeclarationAction.WITHDRAW: DeclarationTransition(
        sources=frozenset({S.PUBLISHED}),
        target=S.WITHDRAWN,
        by_enterprise=False,
        by_staff=True,
        reason_required=True,
        stamps="withdrawn_at",
    ),
}
# Statuses in which the content (product, values, evidence) may still be edited.
EDITABLE_STATUSES = frozenset({S.DRAFT, S.RETURNED})


class Declaration(VersionedModel):
    """An enterprise's statement, for one product, of how it measures up to one scheme."""

    enterprise = models.ForeignKey(
        "Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="declarations"
    )
    scheme = models.ForeignKey(
        "TechnicalScheme", verbose_name=_("技术方案"), on_delete=models.PROTECT, related_name="declarations"
    )
    product_name = models.CharField(_("产品名称"), max_length=120)
    product_model = models.CharField(_("产品型号"), max_length=80)
    executed_standard = models.ForeignKey(
        "Standard",
        verbose_name=_("执行标准"),
        on_delete=models.PROTECT,
        related_name="executing_declarations",
        help_text=_("企业产品执行的标准：企业标准（Q/）、团体标准或国家标准等。"),
    )
    declared_on = models.DateField(_("声明日期"), null=True, blank=True)
    national_platform_url = models.URLField(
        _("企业标准信息公共服务平台链接"),
        blank=True,
        # Every writer (forms, admin, portal, imports) goes through the model's validation.
        validators=[validate_national_platform_url],
        help_text=_("该声明在企业标准信息公共服务平台上的记录地址（可选），只接受该平台自己的网址。"),
    )
    entered_on_paper = models.BooleanField(
        _("纸质申报代录"),
        default=False,
        editable=False,
        help_text=_("工作人员代企业录入的纸质申报，可直接发布。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.DRAFT,
        editable=False,
    )
    computed_grade = models.CharField(
        _("计算等级"), max_length=10, choices=Grade.choices, blank=True, editable=False
    )
    override_grade = models.CharField(
        _("人工调整等级"), max_length=10, choices=Grade.choices, blank=True, editable=False
    )
    override_reason = models.TextField(_("调整理由"), blank=True, editable=False)
    grade = models.CharField(
        _("对标水平"),
        max_length=10,
        choices=Grade.choices,
        blank=True,
        editable=False,
        help_text=_("人工调整等级优先，否则为按核心指标计算的等级。"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(
        verbose_name=_("自我声明对标结果变更记录"), verbose_name_plural=_("自我声明对标结果变更记录")
    )

    class Meta:
        verbose_name = _("自我声明对标结果")
        verbose_name_plural = _("自我声明对标结果")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Withdrawn declarations leave room to "withdraw it and declare again".
            models.UniqueConstraint(
                fields=["enterprise", "scheme", "product_model"],
                condition=~models.Q(status=DeclarationStatus.WITHDRAWN),
                name="%(app_label)s_%(class)s_one_per_product",
                violation_error_message=_(
                    "该企业已就此技术方案为同一产品型号作出声明（如需更正，请撤回后重新声明）。"
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(override_grade="") | ~models.Q(override_reason=""),
                name="%(app_label)s_%(class)s_override_has_reason",
                violation_error_message=_("人工调整等级必须填写理由。"),
            ),
            models.CheckConstraint(
                condition=models.Q(override_grade="", grade=models.F("computed_grade"))
                | (~models.Q(override_grade="") & models.Q(grade=models.F("override_grade"))),
                name="%(app_label)s_%(class)s_grade_consistent",
                violation_error_message=_("对标水平与计算等级或人工调整等级不一致。"),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    status__in=[S.DRAFT, S.SUBMITTED, S.RETURNED],
                    published_at__isnull=True,
                    withdrawn_at__isnull=True,
                )
                | models.Q(status=S.PUBLISHED, published_at__isnull=False, withdrawn_at__isnull=True)
                | models.Q(status=S.WITHDRAWN, published_at__isnull=False, withdrawn_at__isnull=False),
                name="%(app_label)s_%(class)s_status_dates",
                violation_error_message=_("声明状态与发布、撤回时间不一致。"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="benchmarking_decl_status_pub"),
            models.Index(fields=["published_at", "withdrawn_at"], name="benchmarking_decl_pub_wd"),
            # The declarations list in its default order (Meta.ordering): the first page is read
            # off this index instead of sorting every declaration joined to its enterprise.
            models.Index(fields=["-created_at", "-id"], name="benchmarking_decl_created"),
            # The review queue, oldest submission first (selectors.declarations.QUEUE_ORDER):
            # only the submitted few are indexed.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status=DeclarationStatus.SUBMITTED),
                name="benchmarking_decl_queue",
            ),
        ]

    @property
    def standard_updated(self) -> bool:
        """对标标准已更新: read off the annotations of ``selectors.lifecycle.with_standard_updates``
        (False where the queryset was not annotated)."""
        return any(
            getattr(self, reason, False)
            for reason in ("scheme_revised", "scheme_outdated", "executed_standard_outdated")
        )

    def __str__(self):
        return f"{self.enterprise} · {self.product_name} {self.product_model}"

    def clean(self):
        super().clean()
        self.product_name = " ".join(self.product_name.split())
        self.product_model = " ".join(self.product_model.split())

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class DeclarationItem(models.Model):
    """The declared value of one indicator and how it compares (computed, never typed)."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("声明"), on_delete=models.CASCADE, related_name="items"
    )
    indicator = models.ForeignKey(
        "Indicator", verbose_name=_("关键指标"), on_delete=models.PROTECT, related_name="declaration_items"
    )
    value = models.DecimalField(_("实测值"), max_digits=18, decimal_places=6, null=True, blank=True)
    passed = models.BooleanField(_("定性结论"), null=True, blank=True, help_text=_("合格/不合格指标填写。"))
    comparison = models.CharField(
        _("比较结果"), max_length=8, choices=Comparison.choices, blank=True, editable=False
    )

    history = HistoricalRecords(
        verbose_name=_("指标声明值变更记录"), verbose_name_plural=_("指标声明值变更记录")
    )

    class Meta:
        verbose_name = _("指标声明值")
        verbose_name_plural = _("指标声明值")
        ordering = ["indicator__order", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "indicator"],
                name="%(app_label)s_%(class)s_unique_indicator",
                violation_error_message=_("同一声明中每项指标只能填写一次。"),
            )
        ]

    def __str__(self):
        return str(self.indicator)

    def clean(self):
        super().clean()
        if (
            self.indicator_id
            and self.declaration_id
            and self.indicator.scheme_id != self.declaration.scheme_id
        ):
            raise ValidationError({"indicator": _("该指标不属于本声明所对标的技术方案。")})


class DeclarationEvidence(models.Model):
    """An evidence file (test report, certificate) attached to a declaration."""

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("声明"), on_delete=models.CASCADE, related_name="evidence"
    )
    title = models.CharField(_("文件说明"), max_length=120, help_text=_("例如：检测报告 No. 2024-0123"))
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/", validators=[validate_document_upload])
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("证明材料变更记录"), verbose_name_plural=_("证明材料变更记录"))

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.title


class DeclarationEvent(models.Model):
    """One step of a declaration's history: who moved it, when, from where to where, and why."""

    # No ``history`` here, unlike every other domain model: events are written once by the
    # workflow services and never changed (the admin shows them read-only), so each row already
    # is its own change record; a history table would only duplicate it.

    declaration = models.ForeignKey(
        Declaration, verbose_name=_("声明"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("操作"), max_length=10, choices=DeclarationAction.choices)
    from_status = models.CharField(_("原状态"), max_length=12, choices=DeclarationStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=DeclarationStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    comment = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("声明流转记录")
        verbose_name_plural = _("声明流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["declaration", "at"], name="benchmarking_event_decl_at")]

    def __str__(self):
        return (
            f"{self.get_action_display()} {self.get_from_status_display()} → {self.get_to_status_display()}"
        )
