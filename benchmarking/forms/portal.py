"""The enterprise portal's declaration form: one row per indicator of the scheme."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..choices import Direction
from ..models import Declaration, DeclarationEvidence, Indicator, Standard
from ..models.fields import NormalizedFormField
from ..selectors.declarations import format_value
from ..services.standards import check_enterprise_may_add
from ..uploads import ALLOWED_EXTENSIONS, validate_document_upload
from ..validators import normalize_standard_number, validate_national_platform_url, validate_standard_number
from .errors import add_service_error

# The most evidence files one save accepts; more is almost always a wrong folder selected.
MAX_FILES_PER_SAVE = 10
# What the two buttons of the form ask for.
INTENT_DRAFT, INTENT_SUBMIT = "draft", "submit"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe), each checked on its own
    and named in the message, so "report.pdf: too large" says which one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if len(uploads) > MAX_FILES_PER_SAVE:
            raise ValidationError(
                _("一次最多上传 %(limit)d 个文件，本次选择了 %(count)d 个。"),
                params={"limit": MAX_FILES_PER_SAVE, "count": len(uploads)},
            )
        errors, cleaned = [], []
        for upload in uploads:
            try:
                cleaned.append(super().clean(upload, initial))
                validate_document_upload(upload)
            except ValidationError as error:
                errors.extend(f"「{upload.name}」：{message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class EvidenceToRemoveField(forms.ModelMultipleChoiceField):
    """The declaration's evidence files ticked for removal. An id that is no longer there
    (removed from another window) is ignored rather than refused: the save's version check
    then tells the person what happened, in words they can act on."""

    def _check_values(self, value):
        ids = [int(v) for v in value if str(v).isdecimal()]
        return self.queryset.filter(pk__in=ids)


_PASS_FAIL_CHOICES = [("1", _("符合")), ("0", _("不符合"))]


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator of the scheme and the form field that takes its value."""

    indicator: Indicator
    field: forms.BoundField


class DeclarationForm(forms.Form):
    """Product, executed standard, a value per indicator and evidence files.

    ``intent`` is what the person pressed: a draft may leave values blank, a declaration
    going on to be submitted must answer every indicator. Nothing here writes: the view
    hands ``cleaned_data`` to ``services.declarations.declaration_save_draft``."""

    product_name = forms.CharField(label=_("产品名称"), max_length=120)
    product_model = forms.CharField(
        label=_("产品型号"), max_length=80, help_text=_("同一企业、同一技术方案下，每个型号声明一次。")
    )
    # Normalised before the length check: invisible characters pasted with it do not count.
    standard_number = NormalizedFormField(
        normalizer=normalize_standard_number,
        label=_("执行标准编号"),
        max_length=60,
        help_text=_("产品执行的企业标准（Q/…）、团体标准或国家标准，例如 Q/YKJB 001—2024。"),
    )
    standard_title = forms.CharField(
        label=_("执行标准名称"), max_length=200, required=False, help_text=_("系统尚未收录该标准时必填。")
    )
    national_platform_url = forms.URLField(
        label=_("企业标准信息公共服务平台链接"),
        required=False,
        assume_scheme="https",
        validators=[validate_national_platform_url],
        help_text=_("可选：该产品标准在企业标准信息公共服务平台上的自我声明地址。"),
    )
    evidence_files = MultipleFileField(
        label=_("证明材料"),
        required=False,
        help_text=format_lazy(
            _("检测报告、证书等，可多选；PDF、OFD、Word、Excel 或图片，每个不超过 {}。"),
            filesizeformat(settings.BENCHMARKING_MAX_UPLOAD_BYTES),
        ),
    )
    remove_evidence = EvidenceToRemoveField(
        label=_("删除已上传的材料"),
        queryset=DeclarationEvidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, indicators, declaration: Declaration | None = None, intent=INTENT_DRAFT, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.intent = intent
        self.declaration = declaration
        for indicator in self.indicators:
            self.fields[self.value_field_name(indicator)] = self._value_field(indicator)
        if declaration is None:
            del self.fields["remove_evidence"]
            del self.fields["seen_version"]
        else:
            self.fields["remove_evidence"].queryset = declaration.evidence.all()
            # The version the person saw: without it a stale edit would silently overwrite.
            self.fields["seen_version"].required = True
            self.fields["seen_version"].error_messages["required"] = _(
                "页面缺少版本信息，可能已过期。请刷新页面后重新修改。"
            )
            self.initial.update(self._initial_from(declaration))

    @staticmethod
    def value_field_name(indicator: Indicator) -> str:
        return f"value_{indicator.pk}"

    @staticmethod
    def _value_field(indicator: Indicator) -> forms.Field:
        label = indicator.name
        if indicator.direction == Direction.PASS_FAIL:
            return forms.TypedChoiceField(
                label=label,
                choices=_PASS_FAIL_CHOICES,
                coerce=lambda choice: choice == "1",
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
        return forms.DecimalField(
            label=label,
            max_digits=18,
            decimal_places=6,
            required=False,
            # A text box, not type=number: a phone shows the number pad, and a browser never
            # silently drops what it cannot parse, so a mistyped value gets a message.
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )

    def _initial_from(self, declaration: Declaration) -> dict:
        initial = {
            "product_name": declaration.product_name,
            "product_model": declaration.product_model,
            "standard_number": declaration.executed_standard.number,
            "standard_title": declaration.executed_standard.title,
            "national_platform_url": declaration.national_platform_url,
            "seen_version": declaration.version,
        }
        for item in declaration.items.all():
            name = self.value_field_name(item.indicator)
            if item.passed is not None:
                initial[name] = "1" if item.passed else "0"
            elif item.value is not None:
                initial[name] = format_value(item.value)
        return initial

    @property
    def indicator_rows(self) -> list[IndicatorRow]:
        return [
            IndicatorRow(indicator, self[self.value_field_name(indicator)]) for indicator in self.indicators
        ]

    def clean_standard_number(self):
        number = self.cleaned_data["standard_number"]
        validate_standard_number(number)
        return normalize_standard_number(number)

    def clean(self):
        cleaned = super().clean()
        number = cleaned.get("standard_number")
        if number and not Standard.objects.filter(number=number).exists():
            try:
                check_enterprise_may_add(number)
            except ValidationError as error:
                self.add_error("standard_number", error)
            else:
                if not cleaned.get("standard_title", "").strip():
                    self.add_error(
                        "standard_title",
                        _("标准「%(number)s」尚未收录，请填写标准名称。") % {"number": number},
                    )
        if self.intent == INTENT_SUBMIT:
            for indicator in self.indicators:
                name = self.value_field_name(indicator)
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(name, _("提交审核前请填写此项指标的声明值。"))
        return cleaned

    def values(self) -> dict[int, object]:
        """The declared value of each indicator, as the services take them."""
        return {
            indicator.pk: self.cleaned_data.get(self.value_field_name(indicator))
            for indicator in self.indicators
        }

    def add_service_error(self, error: ValidationError) -> None:
        """Put a service's refusal next to the field it is about, or above the form."""
        add_service_error(
            self, error, field_map={"executed_standard": "standard_number", "file": "evidence_files"}
        )
