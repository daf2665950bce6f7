"""The shapes of /api/v1/enterprise/: schemes to declare against, declarations as the portal
shows them, and what a program sends to create or change one.

Input is checked here only for its form (types, lengths, the standard number's shape, the
platform link), with the same validators as the portal's form; whether a value fits its
indicator, whether the declaration may still change, and every other rule is the services'."""

import datetime as dt

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import format_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from ..choices import Comparison, DeclarationStatus, Direction, Grade, StandardStatus
from ..models import DeclarationAction
from ..people import full_name
from ..selectors.declarations import declaration_grade_explained, item_display
from ..validators import normalize_standard_number, validate_national_platform_url, validate_standard_number
from .shared_serializers import StandardUpdateSerializer

# A declared value in JSON: a decimal (as a string, or a number) for a numeric indicator,
# true/false (符合/不符合) for a pass/fail one, null for not yet filled in.
DECLARED_VALUE_SCHEMA = {
    "oneOf": [
        {"type": "string", "format": "decimal", "pattern": r"^-?\d{0,12}(\.\d{0,6})?$"},
        {"type": "number"},
        {"type": "boolean"},
    ],
    "nullable": True,
    "description": '数值指标填数值（建议写成字符串，如 "15.5"）；合格/不合格指标填 true（符合）或 false（不符合）；null 为未填。',
}


# -- schemes --------------------------------------------------------------------------------


class EnterpriseIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="指标编号：填写声明值时用它指明指标")
    name = serializers.CharField(help_text="指标名称")
    unit = serializers.CharField(help_text="单位（可为空）")
    test_method = serializers.CharField(help_text="检测方法（可为空）")
    order = serializers.IntegerField(help_text="在方案中的排序")
    is_core = serializers.BooleanField(help_text="是否核心指标（对标水平按核心指标计算）")
    direction = serializers.ChoiceField(
        choices=Direction.choices,
        help_text="比较方式：higher 越高越好，lower 越低越好，range 区间内达标，pass_fail 合格/不合格",
    )
    direction_label = serializers.CharField(source="get_direction_display", help_text="比较方式（中文）")
    value_type = serializers.SerializerMethodField(
        help_text="声明值的类型：number 填数值，boolean 填 true（符合）或 false（不符合）"
    )
    benchmark_value = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True, help_text="对标值（越高/越低越好时）"
    )
    benchmark_min = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True, help_text="区间下限（区间内达标时）"
    )
    benchmark_max = serializers.DecimalField(
        max_digits=18, decimal_places=6, allow_null=True, help_text="区间上限（区间内达标时）"
    )
    requirement = serializers.CharField(help_text="要求说明：定性指标的合格要求，或对标值的文字说明")
    benchmark_display = serializers.CharField(help_text="对标要求，如页面所示：≥ 12 h、≤ 0.01、10–20、合格")

    def get_value_type(self, indicator) -> str:
        return "boolean" if indicator.direction == Direction.PASS_FAIL else "number"


class EnterpriseSchemeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="技术方案编号（内部），新建声明时用它指明方案")
    code = serializers.CharField(help_text="方案编号")
    title = serializers.CharField(help_text="方案名称")
    product_category = serializers.CharField(help_text="产品类别")
    industry = serializers.CharField(source="industry.name", help_text="行业")
    publisher = serializers.CharField(help_text="发布机构")
    published_at = serializers.DateTimeField(help_text="发布时间")
    indicator_count = serializers.IntegerField(help_text="关键指标数")
    declared_by_me = serializers.IntegerField(help_text="本企业已就此方案作出的声明数（不含已撤回）")
    indicators = EnterpriseIndicatorSerializer(
        many=True, help_text="关键指标：声明时每项指标填一个值", source="indicators.all"
    )


# -- declarations: what is read -------------------------------------------------------------


@extend_schema_field(DECLARED_VALUE_SCHEMA)
class DeclaredValueField(serializers.Field):
    """A number for a numeric indicator, true/false for a pass/fail one, null for blank.
    Numbers are read as the portal's form reads them (at most 18 digits, 6 decimals)."""

    decimal = serializers.DecimalField(max_digits=18, decimal_places=6)

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        return self.decimal.to_internal_value(data)

    def to_representation(self, value):
        if isinstance(value, bool):
            return value
        return self.decimal.to_representation(value)


class EnterpriseItemSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator_id", help_text="指标编号")
    indicator_name = serializers.CharField(source="indicator.name", help_text="指标名称")
    unit = serializers.CharField(source="indicator.unit", help_text="单位")
    is_core = serializers.BooleanField(source="indicator.is_core", help_text="是否核心指标")
    direction = serializers.ChoiceField(
        source="indicator.direction", choices=Direction.choices, help_text="比较方式"
    )
    benchmark_display = serializers.CharField(source="indicator.benchmark_display", help_text="对标要求")
    value = serializers.SerializerMethodField(help_text=DECLARED_VALUE_SCHEMA["description"])
    value_display = serializers.SerializerMethodField(help_text="声明值，如页面所示（符合/不符合，或数值）")
    comparison = serializers.ChoiceField(
        choices=[("", "未比较"), *Comparison.choices],
        help_text="与对标要求比较的结果（按规则计算，未填写时为空）",
    )
    comparison_label = serializers.CharField(source="get_comparison_display", help_text="比较结果（中文）")

    @extend_schema_field(DECLARED_VALUE_SCHEMA)
    def get_value(self, item):
        if item.indicator.direction == Direction.PASS_FAIL:
            return item.passed
        return None if item.value is None else serializers.DecimalField(18, 6).to_representation(item.value)

    def get_value_display(self, item) -> str:
        return item_display(item)


class EnterpriseEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="证明材料编号")
    title = serializers.CharField(help_text="文件说明（取自上传时的文件名）")
    file_name = serializers.SerializerMethodField(help_text="上传时的文件名（含扩展名）")
    size = serializers.SerializerMethodField(help_text="文件大小（字节）；文件已不在存储中时为 null")
    uploaded_at = serializers.DateTimeField(help_text="上传时间")
    download_url = serializers.SerializerMethodField(
        help_text="下载地址（网站的受保护文件地址，须以本企业账号登录网站后访问）"
    )

    def get_file_name(self, evidence) -> str:
        suffix = evidence.file.name.rsplit(".", 1)[-1].lower() if "." in evidence.file.name else ""
        return f"{evidence.title}.{suffix}" if suffix else evidence.title

    def get_size(self, evidence) -> int | None:
        try:
            return evidence.file.size
        except OSError:
            return None

    def get_download_url(self, evidence) -> str:
        request = self.context.get("request")
        url = evidence.file.url
        return request.build_absolute_uri(url) if request is not None else url


class EnterpriseEventSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=DeclarationAction.choices, help_text="操作")
    action_label = serializers.CharField(source="get_action_display", help_text="操作（中文）")
    from_status = serializers.ChoiceField(
        choices=[("", "（新建）"), *DeclarationStatus.choices], help_text="原状态（新建时为空）"
    )
    to_status = serializers.ChoiceField(choices=DeclarationStatus.choices, help_text="新状态")
    actor = serializers.SerializerMethodField(help_text="操作人姓名")
    at = serializers.DateTimeField(help_text="时间")
    comment = serializers.CharField(help_text="说明（退回、撤回时为理由）")

    def get_actor(self, event) -> str:
        return full_name(event.actor)


class EnterpriseSchemeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="技术方案编号（内部）")
    code = serializers.CharField(help_text="方案编号")
    title = serializers.CharField(help_text="方案名称")


class EnterpriseStandardRefSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="标准编号")
    title = serializers.CharField(help_text="标准名称")
    status = serializers.ChoiceField(choices=StandardStatus.choices, help_text="标准状态")


class EnterpriseReviewSerializer(serializers.Serializer):
    returned_at = serializers.DateTimeField(allow_null=True, help_text="最近一次退回的时间（仅“已退回”时）")
    return_comment = serializers.CharField(allow_null=True, help_text="审核人员退回的理由（仅“已退回”时）")
    published_on = serializers.DateField(allow_null=True, help_text="发布日期（北京时间；已发布或已撤回时）")


def review_result(declaration, return_event) -> dict:
    """What the enterprise reads of the review: why it was returned, or when it was published."""
    published_on = timezone_date(declaration.published_at)
    return {
        "returned_at": return_event.at if return_event else None,
        "return_comment": return_event.comment if return_event else None,
        "published_on": published_on,
    }


def timezone_date(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment is not None else None


# One declaration in the list. The view attaches ``return_event`` and ``standard_update``.
# (No docstrings on the serializers: the schema would show them as the Chinese descriptions.)
class EnterpriseDeclarationRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="声明编号")
    url = serializers.SerializerMethodField(help_text="本声明的接口地址")
    version = serializers.IntegerField(
        help_text='版本：每次保存加一；修改、提交时放在 If-Match 头中（写作 "版本"）'
    )
    status = serializers.ChoiceField(choices=DeclarationStatus.choices, help_text="状态")
    status_label = serializers.CharField(source="get_status_display", help_text="状态（中文）")
    product_name = serializers.CharField(help_text="产品名称")
    product_model = serializers.CharField(help_text="产品型号")
    scheme = EnterpriseSchemeRefSerializer(help_text="所对标的技术方案")
    executed_standard = EnterpriseStandardRefSerializer(help_text="执行标准")
    grade = serializers.ChoiceField(
        choices=[("", "未定"), *Grade.choices], help_text="对标水平（人工调整优先，否则按核心指标计算）"
    )
    grade_label = serializers.CharField(source="get_grade_display", help_text="对标水平（中文）")
    declared_on = serializers.DateField(allow_null=True, help_text="声明日期")
    submitted_at = serializers.DateTimeField(allow_null=True, help_text="提交时间")
    published_at = serializers.DateTimeField(allow_null=True, help_text="发布时间")
    withdrawn_at = serializers.DateTimeField(allow_null=True, help_text="撤回时间")
    created_at = serializers.DateTimeField(help_text="创建时间")
    updated_at = serializers.DateTimeField(help_text="最后修改时间")
    review = serializers.SerializerMethodField(help_text="审核结果：退回理由，或发布日期")
    standard_updated = serializers.BooleanField(
        help_text="对标标准已更新：方案已修订或待修订，或执行标准已废止、被代替"
    )
    standard_update = StandardUpdateSerializer(
        allow_null=True, help_text="对标标准已更新的说明；未更新时为 null"
    )

    def get_url(self, declaration) -> str:
        return reverse(
            "api-enterprise-declaration-detail", args=[declaration.pk], request=self.context.get("request")
        )

    @extend_schema_field(EnterpriseReviewSerializer)
    def get_review(self, declaration) -> dict:
        return EnterpriseReviewSerializer(review_result(declaration, declaration.return_event)).data


# One declaration with everything the portal's detail page shows.
class EnterpriseDeclarationSerializer(EnterpriseDeclarationRowSerializer):
    national_platform_url = serializers.CharField(help_text="企业标准信息公共服务平台链接（可为空）")
    computed_grade = serializers.ChoiceField(
        choices=[("", "未定"), *Grade.choices], help_text="按核心指标计算的等级"
    )
    grade_explained = serializers.SerializerMethodField(help_text="对标水平的由来，如页面所示")
    items = EnterpriseItemSerializer(many=True, source="items.all", help_text="各项指标的声明值与比较结果")
    evidence = EnterpriseEvidenceSerializer(many=True, source="evidence.all", help_text="证明材料")
    events = EnterpriseEventSerializer(many=True, source="events.all", help_text="流转记录，时间先后")

    def get_grade_explained(self, declaration) -> str:
        return declaration_grade_explained(declaration, declaration.items.all())


# -- declarations: what is sent -------------------------------------------------------------


class EnterpriseDeclaredValueSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(help_text="指标编号（见技术方案的 indicators）")
    value = DeclaredValueField(help_text=DECLARED_VALUE_SCHEMA["description"])


# Product, executed standard and values, as the portal's form takes them. On a change (PATCH)
# every field may be left out: it keeps what is stored.
class EnterpriseDeclarationWriteSerializer(serializers.Serializer):
    product_name = serializers.CharField(max_length=120, help_text="产品名称")
    product_model = serializers.CharField(
        max_length=80, help_text="产品型号：同一企业、同一技术方案下，每个型号声明一次"
    )
    standard_number = serializers.CharField(
        max_length=60,
        help_text="执行标准编号：企业标准（Q/…）、团体标准或国家标准，例如 Q/YKJB 001—2024",
    )
    standard_title = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text="执行标准名称：系统尚未收录该标准时必填",
    )
    national_platform_url = serializers.URLField(
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_national_platform_url],
        help_text="可选：该产品标准在企业标准信息公共服务平台上的自我声明地址",
    )
    values = EnterpriseDeclaredValueSerializer(
        many=True,
        required=False,
        default=list,
        help_text='各项指标的声明值：[{"indicator": 指标编号, "value": 值}]；未列出的指标保持原值（新建时为空）',
    )

    def validate_standard_number(self, value: str) -> str:
        # Judged by its stored form, as the portal's form does (NormalizedFormField).
        number = normalize_standard_number(value)
        validate_standard_number(number)
        return number

    def validate_values(self, entries: list[dict]) -> dict[int, object]:
        by_indicator: dict[int, object] = {}
        for entry in entries:
            if entry["indicator"] in by_indicator:
                raise serializers.ValidationError(f"指标 {entry['indicator']} 填写了不止一次。")
            by_indicator[entry["indicator"]] = entry["value"]
        return by_indicator


class EnterpriseDeclarationCreateSerializer(EnterpriseDeclarationWriteSerializer):
    scheme = serializers.IntegerField(help_text="技术方案编号（内部）：见 schemes/ 中的 id")


class EnterpriseEvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=format_lazy(
            "证明材料文件：PDF、OFD、Word（.docx）、Excel（.xlsx）或图片，不超过 {}",
            filesizeformat(settings.BENCHMARKING_MAX_UPLOAD_BYTES),
        )
    )
