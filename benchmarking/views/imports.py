"""Bulk import on the site: download a kind's template, upload a filled-in file,
read the preview (what would be created, updated or left unchanged, and every problem),
then confirm.

Between the preview and the confirmation the uploaded bytes wait on the server
(``imports.staging``: a random token, for the same user and kind, within an hour). Confirming
plans again inside the writing transaction (``commit_import``), so data changed since the
preview shows as problems and nothing is written. Which users may import which kind is
``access.may_import``'s to say.

A file whose problems are all rows' problems also waits: the preview offers its problem rows
as a workbook to fix (``ImportProblemRowsView``) and, as an explicit choice, to import only
the rows without problems (the confirm form's ``rows=valid``, with the problems' digest the
clerk saw).
"""

from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from ..exports import XLSX_TYPE
from ..imports import importable_kinds, kinds
from ..imports.engine import ImportKind, ImportPlan, commit_import, plan_import
from ..imports.preview import clears_anything, describe_updates
from ..imports.problem_rows import problem_rows_filename, problem_rows_workbook
from ..imports.reading import MAX_IMPORT_BYTES, FileRefused
from ..imports.staging import (
    STAGED_FOR,
    UploadExpired,
    claim_upload,
    discard_upload,
    read_upload,
    stage_upload,
    sweep_staged,
)
from ..imports.templates import CLEAR_RULE, template_columns, template_filename, template_workbook
from ..models import Declaration

# Rows of the preview's lists of records to be created or updated (the counts are always whole).
PREVIEW_ROWS = 200


# -- the uploaded file, waiting for its confirmation --------------------------------------------


# -- forms and access ---------------------------------------------------------------------------


class ImportFileForm(forms.Form):
    """The upload: one .xlsx or .csv file, at most MAX_IMPORT_BYTES. Its content is judged by
    the import's reader, which says what is wrong with it in the preview."""

    file = forms.FileField(
        label=gettext_lazy("选择文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={
            "required": gettext_lazy("请选择要导入的文件。"),
            "empty": gettext_lazy("文件为空，请选择填写好的表格。"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Excel（.xlsx）或 CSV 文件，不超过 %(limit)s。") % {
            "limit": filesizeformat(MAX_IMPORT_BYTES)
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件过大：%(size)s，上限为 %(limit)s。请分成几个文件导入。")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_IMPORT_BYTES)},
                code="file_too_large",
            )
        return upload


class ImporterMixin(AccessMixin):
    """Anonymous users go to the login page; an unknown kind is a 404; a user whom the kind's
    ``may_import`` refuses (or, on the import page, who may import nothing) gets 403."""

    kind: ImportKind | None = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if "kind" in kwargs:
            self.kind = kinds().get(kwargs["kind"])
            if self.kind is None:
                raise Http404
            allowed = self.kind.may_import(request.user)
        else:
            allowed = bool(importable_kinds(request.user))
        if not allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _column_rows(kind: ImportKind) -> list[dict]:
    return [
        {
            "header": column.header,
            "required": column.required,
            "note": column.note,
            "choices": " / ".join(str(choice) for choice in column.choices),
        }
        for column in template_columns(kind)
    ]


# -- views --------------------------------------------------------------------------------------


class ImportIndexView(ImporterMixin, TemplateView):
    """The kinds the user may import, each with its template and an upload form."""

    template_name = "benchmarking/imports/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kinds=importable_kinds(self.request.user), form=ImportFileForm(), limit=MAX_IMPORT_BYTES
        )
        return context


class ImportTemplateView(ImporterMixin, View):
    """The kind's blank template (.xlsx)."""

    def get(self, request, *args, **kwargs):
        response = HttpResponse(template_workbook(self.kind, actor=request.user), content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=template_filename(self.kind)
        )
        response["Cache-Control"] = "no-store"
        return response


class ImportUploadView(ImporterMixin, View):
    """GET: the upload form and the columns the file needs. POST: read the file, keep it for
    the confirmation, and show the preview. Nothing is written here."""

    def get(self, request, *args, **kwargs):
        return self.form_page(ImportFileForm())

    def post(self, request, *args, **kwargs):
        form = ImportFileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.form_page(form)
        upload = form.cleaned_data["file"]
        name = PurePath(upload.name or "").name or "upload"
        data = upload.read()
        plan = self.plan(name, data)
        # Only a file that can be imported (whole, or its rows without problems) waits on the
        # server, with its problem rows to download; one with problems of the file as a whole
        # (a missing column, a merged cell) is fixed and uploaded again.
        if not (plan.ok or plan.only_rows_problems):
            return preview_page(request, self.kind, plan, name=name, token="")
        token = stage_upload(user=request.user, kind=self.kind, name=name, data=data)
        # The preview carries the token, so the file is staged first; if the page cannot be
        # rendered nobody can confirm it, and it must not wait on the server.
        try:
            return preview_page(request, self.kind, plan, name=name, token=token)
        except BaseException:
            discard_upload(token)
            raise

    def plan(self, name: str, data: bytes) -> ImportPlan:
        try:
            return plan_import(self.kind, name, data, self.request.user)
        except PermissionError:
            raise PermissionDenied from None

    def form_page(self, form):
        return render(
            self.request,
            "benchmarking/imports/upload.html",
            {"kind": self.kind, "form": form, "columns": _column_rows(self.kind), "clear_rule": CLEAR_RULE},
        )


class ImportConfirmView(ImporterMixin, View):
    """Import the staged upload named by the posted token: everything or, if the file now has
    problems (the data changed since the preview), nothing."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        upload_url = reverse("import-upload", kwargs={"kind": self.kind.key})
        try:
            name, data = claim_upload(token=request.POST.get("token", ""), user=request.user, kind=self.kind)
        except UploadExpired:
            messages.error(
                request, _("上传的文件已超过 1 小时未确认，已作废，请重新上传。本次未写入任何数据。")
            )
            return redirect(upload_url)
        finally:
            # After the claim, so an expired upload of this user's is reported as expired above,
            # not swept into a 404.
            sweep_staged()
        valid_rows_only = request.POST.get("rows") == "valid"
        try:
            plan = commit_import(
                self.kind,
                name,
                data,
                request.user,
                valid_rows_only=valid_rows_only,
                expected_problems=request.POST.get("problems") if valid_rows_only else None,
            )
        except PermissionError:
            raise PermissionDenied from None
        if not plan.written:
            return preview_page(request, self.kind, plan, name=name, token="", after_confirm=True)
        done = _("%(label)s导入完成：新增 %(created)d 条，更新 %(updated)d 条，%(unchanged)d 条无变化。") % {
            "label": self.kind.label,
            "created": len(plan.creates),
            "updated": len(plan.updates),
            "unchanged": plan.unchanged,
        }
        if not plan.ok:
            done += _("已跳过有问题的 %(skipped)d 行，改正后可重新上传这些行。") % {
                "skipped": len(plan.problem_rows)
            }
        messages.success(request, done)
        return redirect(reverse("imports"))


class ImportProblemRowsView(ImporterMixin, View):
    """The staged upload's problem rows as a workbook to fix (``imports.problem_rows``). Only
    for the user who uploaded it, for the kind it was uploaded as: any other token is a 404."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        try:
            name, data = read_upload(token=request.POST.get("token", ""), user=request.user, kind=self.kind)
            workbook = problem_rows_workbook(self.kind, name, data, request.user)
        except UploadExpired:
            messages.error(request, _("上传的文件已超过 1 小时未确认，已作废，请重新上传。"))
            return redirect(reverse("import-upload", kwargs={"kind": self.kind.key}))
        except FileRefused:  # a staged file was read once already; it cannot be refused now
            raise Http404 from None
        response = HttpResponse(workbook, content_type=XLSX_TYPE)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=problem_rows_filename(self.kind)
        )
        response["Cache-Control"] = "no-store"
        return response


# Relations a model's __str__ reads, loaded for the listed records in one query each (none when
# the kind already loaded them), so the preview costs the same at 5 rows as at 200.
_LABEL_RELATIONS = {Declaration: ("enterprise",)}


def _load_label_relations(records: list) -> None:
    by_model: dict[type, list] = {}
    for record in records:
        by_model.setdefault(type(record), []).append(record)
    for model, instances in by_model.items():
        # prefetch_related_objects skips the instances whose relation is already cached.
        prefetch_related_objects(instances, *_LABEL_RELATIONS.get(model, ()))


def preview_page(request, kind: ImportKind, plan: ImportPlan, *, name: str, token: str, after_confirm=False):
    created, updated, clearing_count = [], [], 0
    # The lists are shown only for a file that can be imported (whole, or its rows without problems).
    if plan.ok or plan.valid_rows_importable:
        # The rows that clear a stored value come first, so the cap never hides one.
        clearing = [clears_anything(record) for record, _changed in plan.updates]
        clearing_count = sum(clearing)
        updates = [u for u, clears in zip(plan.updates, clearing, strict=True) if clears]
        updates += [u for u, clears in zip(plan.updates, clearing, strict=True) if not clears]
        creates, updates = plan.creates[:PREVIEW_ROWS], updates[:PREVIEW_ROWS]
        _load_label_relations([*creates, *(record for record, _changed in updates)])
        created = [str(record) for record in creates]
        updated = describe_updates(updates)
    return render(
        request,
        "benchmarking/imports/preview.html",
        {
            "kind": kind,
            "plan": plan,
            "file_name": name,
            "token": token,
            "after_confirm": after_confirm,
            "problems": [str(problem) for problem in plan.problems],
            "created_count": len(plan.creates),
            "updated_count": len(plan.updates),
            "created": created,
            "updated": updated,
            "clearing_count": clearing_count,
            "preview_rows": PREVIEW_ROWS,
            "expires_at": timezone.now() + STAGED_FOR,
            "problem_row_count": len(plan.problem_rows),
        },
    )
