"""Exports built by a background job: a list export above the size a request may build
(``services.exports``), its progress and its file, kept for the user who asked."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ExportJob", "ExportKind", "ExportStatus"]


class ExportKind(models.TextChoices):
    """Which list is exported (in either format). The dashboard's workbook is never queued: it is
    four small tables whatever the data's size (services.exports)."""

    SCHEMES = "scheme", _("对标技术方案列表")
    ENTERPRISES = "enterprise", _("企业列表")
    DECLARATIONS = "declaration", _("自我声明对标结果列表")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """One export a staff member asked for that a background worker builds: what (the list, its
    filters as the list's query string, the format, the language), how far it got, and the file,
    which only that user may download until ``expires_at``.

    Operational state, not a record of the domain: no change history; rows are deleted some days
    after their file (``services.exports.delete_expired_exports``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("申请人"),
    )
    kind = models.CharField(_("导出内容"), max_length=16, choices=ExportKind.choices)
    fmt = models.CharField(
        _("文件格式"), max_length=4, choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV (.csv)")]
    )
    query = models.TextField(_("筛选条件"), blank=True, help_text=_("列表地址中的查询参数。"))
    language = models.CharField(_("语言"), max_length=16)
    # Who the file was built for: the role and office the rows were scoped by. A download by a
    # user whose role or office has changed since gets nothing (services.exports.scope_key).
    scope = models.CharField(_("数据范围"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("已处理记录"), default=0)
    rows_total = models.PositiveIntegerField(_("记录总数"), default=0)
    # Relative to the exports' own private storage (services.exports.export_storage), never to
    # the uploads' (nothing under MEDIA_URL serves it).
    file = models.CharField(_("文件"), max_length=255, blank=True)
    filename = models.CharField(_("文件名"), max_length=255)
    error = models.CharField(_("错误信息"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("文件过期时间"), null=True, blank=True, db_index=True)
    task_result_id = models.CharField(_("后台任务标识"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="benchmarking_export_user_idx")]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"
