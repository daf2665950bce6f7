"""What the staff part of the API (/api/v1/staff/) answers with: the records as the staff pages
show them, read-only. Every field is described in Chinese in the schema (its model's help text,
else its label).

The serializers read only what the views' querysets join or prefetch (named beside each view),
so a list page costs the same number of queries whatever its length."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import (
    BranchOffice,
    Declaration,
    DeclarationEvent,
    DeclarationEvidence,
    DeclarationItem,
    Enterprise,
    Indicator,
    IndicatorReferenceValue,
    Industry,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
)
from ..people import full_name


class DescribedSerializerMixin:
    """Gives every field without a help text its label as one, so the schema describes each
    field in Chinese (drf-spectacular shows the help text, not the label)."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if not getattr(field, "help_text", None) and field.label:
                field.help_text = field.label
        return fields


class DescribedModelSerializer(DescribedSerializerMixin, serializers.ModelSerializer):
    """Also says truly what a read-only field may hold. DRF builds a field the model does not let
    anyone edit (``editable=False``: dates the workflow stamps, the grade it computes) without its
    "may be null" or "may be blank", and the schema would then promise a value that a draft does
    not have."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if model_field.null:
            kwargs["allow_null"] = True
        if model_field.choices and model_field.blank and "choices" in kwargs:
            # The schema lists "" for a read-only choice field only when it is one of the choices.
            kwargs["choices"] = [("", _("（未定）")), *kwargs["choices"]]
        return field_class, kwargs

    def build_relational_field(self, field_name, relation_info):
        field_class, kwargs = super().build_relational_field(field_name, relation_info)
        if relation_info.model_field is not None and relation_info.model_field.null:
            kwargs["allow_null"] = True
        return field_class, kwargs


class DescribedSerializer(DescribedSerializerMixin, serializers.Serializer):
    pass


# -- the references a record names -------------------------------------------------------------


class StaffOfficeRefSerializer(DescribedModelSerializer):
    class Meta:
        model = BranchOffice
        fields = ["id", "code", "name"]
        extra_kwargs = {"id": {"help_text": _("监管所编号（id）")}}


class StaffIndustryRefSerializer(DescribedModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "gb_code", "name"]
        extra_kwargs = {"id": {"help_text": _("行业编号（id）")}}


class StaffStandardRefSerializer(DescribedModelSerializer):
    class Meta:
        model = Standard
        fields = ["id", "number", "title", "status"]
        extra_kwargs = {"id": {"help_text": _("标准编号（id）")}}


class StaffSchemeRefSerializer(DescribedModelSerializer):
    class Meta:
        model = TechnicalScheme
        fields = ["id", "code", "title"]
        extra_kwargs = {"id": {"help_text": _("方案编号（id）")}}


class StaffEnterpriseRefSerializer(DescribedModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code"]
        extra_kwargs = {"id": {"help_text": _("企业编号（id）")}}


COUNTED_RESULTS_HELP = _(
    "已计入的对标结果数：截至 counted_on 所指那天结束（未指定时为现在）已发布、且当时尚未撤回的结果。"
)


# -- enterprises -------------------------------------------------------------------------------


class StaffEnterpriseSerializer(DescribedModelSerializer):
    branch_office = StaffOfficeRefSerializer(label=_("所属监管所"), help_text=_("所属监管所"))
    industry = StaffIndustryRefSerializer(label=_("行业"), help_text=_("行业"))
    region = serializers.CharField(
        source="region_id", label=_("所属县（市、区）"), help_text=_("所属县（市、区）的行政区划代码（6 位）")
    )
    # Annotated by the filter set (EnterpriseFilter.with_counts), as on the page.
    counted_results = serializers.IntegerField(
        read_only=True, label=_("已计入对标结果"), help_text=COUNTED_RESULTS_HELP
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "branch_office",
            "industry",
            "region",
            "address",
            "legal_representative",
            "contact_person",
            "phone",
            "email",
            "zhejiang_made",
            "standard_leader",
            "counted_results",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"id": {"help_text": _("企业编号（id）")}}


# -- standards ---------------------------------------------------------------------------------


class StaffStandardSerializer(DescribedModelSerializer):
    replaces = StaffStandardRefSerializer(
        many=True, read_only=True, label=_("代替标准"), help_text=_("本标准代替的标准")
    )
    replaced_by = StaffStandardRefSerializer(
        many=True, read_only=True, label=_("被以下标准代替"), help_text=_("代替本标准的标准")
    )

    class Meta:
        model = Standard
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "status",
            "published_on",
            "implemented_on",
            "withdrawn_on",
            "adoption_degree",
            "adopted_standard",
            "replaces",
            "replaced_by",
        ]
        extra_kwargs = {"id": {"help_text": _("标准编号（id）")}}


# -- schemes -----------------------------------------------------------------------------------


class StaffSchemeSerializer(DescribedModelSerializer):
    industry = StaffIndustryRefSerializer(label=_("行业"), help_text=_("行业"))
    publisher_region = serializers.CharField(
        source="publisher_region_id",
        label=_("发布地"),
        help_text=_("发布方案的县（市、区）的行政区划代码（6 位）：方案计入该地的发布数"),
    )
    supersedes = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
        label=_("修订自"),
        help_text=_("本方案修订自的方案的编号（id）；不是修订版时为空"),
    )
    counted_results = serializers.IntegerField(
        read_only=True, label=_("已计入对标结果"), help_text=COUNTED_RESULTS_HELP
    )
    # Annotated by selectors.revisions.with_revision_marks, as the page's badges.
    needs_revision = serializers.BooleanField(
        read_only=True,
        label=_("需修订"),
        help_text=_("需修订：已发布，且有对标标准已废止或被代替"),
    )
    revision = serializers.IntegerField(
        source="revision_pk",
        read_only=True,
        allow_null=True,
        label=_("已修订"),
        help_text=_("已发布的修订版方案的编号（id）；没有时为空"),
    )

    class Meta:
        model = TechnicalScheme
        fields = [
            "id",
            "code",
            "title",
            "product_category",
            "industry",
            "publisher",
            "publisher_region",
            "status",
            "published_at",
            "withdrawn_at",
            "withdraw_reason",
            "supersedes",
            "superseded_at",
            "needs_revision",
            "revision",
            "counted_results",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"id": {"help_text": _("方案编号（id）")}}


class StaffSchemeBenchmarkSerializer(DescribedModelSerializer):
    standard = StaffStandardRefSerializer(label=_("对标标准"), help_text=_("对标标准"))

    class Meta:
        model = SchemeBenchmark
        fields = ["standard", "order"]


class StaffReferenceValueSerializer(DescribedModelSerializer):
    standard = StaffStandardRefSerializer(label=_("标准"), help_text=_("给出该规定值的对标标准"))

    class Meta:
        model = IndicatorReferenceValue
        fields = ["standard", "value"]


class StaffIndicatorSerializer(DescribedModelSerializer):
    benchmark_display = serializers.CharField(
        read_only=True, label=_("对标要求"), help_text=_("对标要求，如页面所示：≥ 50 h、≤ 0.3、10–20、合格")
    )
    reference_values = StaffReferenceValueSerializer(
        many=True, read_only=True, label=_("各标准规定值"), help_text=_("各对标标准对该指标的规定值")
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "test_method",
            "order",
            "is_core",
            "direction",
            "benchmark_value",
            "benchmark_min",
            "benchmark_max",
            "requirement",
            "benchmark_display",
            "reference_values",
        ]
        extra_kwargs = {"id": {"help_text": _("指标编号（id）")}}


class StaffSchemeDetailSerializer(StaffSchemeSerializer):
    benchmarks = StaffSchemeBenchmarkSerializer(
        source="schemebenchmark_set",
        many=True,
        read_only=True,
        label=_("对标标准"),
        help_text=_("方案的对标标准，按方案中的顺序"),
    )
    indicators = StaffIndicatorSerializer(
        many=True, read_only=True, label=_("关键指标"), help_text=_("方案的关键指标，按方案中的顺序")
    )

    class Meta(StaffSchemeSerializer.Meta):
        fields = [*StaffSchemeSerializer.Meta.fields, "benchmarks", "indicators"]


# -- declarations ------------------------------------------------------------------------------


class StaffDeclarationSerializer(DescribedModelSerializer):
    enterprise = StaffEnterpriseRefSerializer(label=_("企业"), help_text=_("企业"))
    branch_office = StaffOfficeRefSerializer(
        source="enterprise.branch_office",
        label=_("所属监管所"),
        help_text=_("企业现在的所属监管所（计数规则按它统计）"),
    )
    industry = StaffIndustryRefSerializer(
        source="enterprise.industry", label=_("行业"), help_text=_("企业现在的行业（计数规则按它统计）")
    )
    region = serializers.CharField(
        source="enterprise.region_id",
        label=_("所属县（市、区）"),
        help_text=_("企业所属县（市、区）的行政区划代码（6 位）"),
    )
    scheme = StaffSchemeRefSerializer(label=_("技术方案"), help_text=_("所对标的技术方案"))
    executed_standard = StaffStandardRefSerializer(label=_("执行标准"), help_text=_("企业产品执行的标准"))

    class Meta:
        model = Declaration
        fields = [
            "id",
            "enterprise",
            "branch_office",
            "industry",
            "region",
            "scheme",
            "product_name",
            "product_model",
            "executed_standard",
            "declared_on",
            "status",
            "grade",
            "entered_on_paper",
            "submitted_at",
            "published_at",
            "withdrawn_at",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"id": {"help_text": _("声明编号（id）")}}


class StaffDeclarationItemSerializer(DescribedModelSerializer):
    indicator = serializers.PrimaryKeyRelatedField(
        read_only=True, label=_("关键指标"), help_text=_("关键指标的编号（id）")
    )
    indicator_name = serializers.CharField(
        source="indicator.name", read_only=True, label=_("指标名称"), help_text=_("指标名称")
    )
    unit = serializers.CharField(
        source="indicator.unit", read_only=True, label=_("单位"), help_text=_("单位")
    )
    is_core = serializers.BooleanField(
        source="indicator.is_core", read_only=True, label=_("核心指标"), help_text=_("是否核心指标")
    )
    benchmark_display = serializers.CharField(
        source="indicator.benchmark_display",
        read_only=True,
        label=_("对标要求"),
        help_text=_("对标要求，如页面所示：≥ 50 h、≤ 0.3、10–20、合格"),
    )

    class Meta:
        model = DeclarationItem
        fields = [
            "indicator",
            "indicator_name",
            "unit",
            "is_core",
            "benchmark_display",
            "value",
            "passed",
            "comparison",
        ]


class StaffDeclarationEventSerializer(DescribedModelSerializer):
    actor_name = serializers.SerializerMethodField(
        label=_("操作人"), help_text=_("操作人的姓名（未登记姓名时为用户名）")
    )

    class Meta:
        model = DeclarationEvent
        fields = ["action", "from_status", "to_status", "actor_name", "at", "comment"]

    def get_actor_name(self, event) -> str:
        return full_name(event.actor)


class StaffDeclarationEvidenceSerializer(DescribedModelSerializer):
    class Meta:
        model = DeclarationEvidence
        fields = ["id", "title", "uploaded_at"]
        extra_kwargs = {"id": {"help_text": _("证明材料编号（id）")}}


class StaffDeclarationDetailSerializer(StaffDeclarationSerializer):
    items = StaffDeclarationItemSerializer(
        many=True, read_only=True, label=_("指标声明值"), help_text=_("各关键指标的实测值与比较结果")
    )
    events = StaffDeclarationEventSerializer(
        many=True, read_only=True, label=_("流转记录"), help_text=_("声明的流转记录，按时间先后")
    )
    evidence = StaffDeclarationEvidenceSerializer(
        many=True, read_only=True, label=_("证明材料"), help_text=_("证明材料（文件本身请在网页上查看）")
    )

    class Meta(StaffDeclarationSerializer.Meta):
        fields = [
            *StaffDeclarationSerializer.Meta.fields,
            "computed_grade",
            "override_grade",
            "override_reason",
            "national_platform_url",
            "items",
            "events",
            "evidence",
        ]


# -- progress (the dashboard's figures) --------------------------------------------------------


class StaffPlanSerializer(DescribedSerializer):
    name = serializers.CharField(label=_("计划名称"), help_text=_("计划名称"))
    starts_on = serializers.DateField(label=_("开始日期"), help_text=_("计划开始日期"))
    ends_on = serializers.DateField(label=_("截止日期"), help_text=_("计划截止日期"))


class StaffMeasureSerializer(DescribedSerializer):
    key = serializers.ChoiceField(
        choices=[
            ("schemes", "发布对标技术方案"),
            ("enterprises", "完成对标企业"),
            ("results", "发布对标结果"),
        ],
        label=_("指标"),
        help_text=_("三项数字之一：schemes 发布对标技术方案，enterprises 完成对标企业，results 发布对标结果"),
    )
    label = serializers.CharField(help_text=_("指标的中文名称"))
    count = serializers.IntegerField(help_text=_("截至该日结束的计数（计数规则与进度页面相同）"))
    target = serializers.IntegerField(allow_null=True, help_text=_("目标数；没有计划或任务时为空"))
    baseline = serializers.IntegerField(help_text=_("计划开始前一天的计数"))
    expected = serializers.IntegerField(allow_null=True, help_text=_("按均匀进度到该日应达到的数"))
    projected_on = serializers.DateField(allow_null=True, help_text=_("按近期速度预计完成目标的日期"))
    share = serializers.FloatField(allow_null=True, help_text=_("完成比例（计数 ÷ 目标）"))
    reached = serializers.BooleanField(help_text=_("是否已达到目标"))
    citywide = serializers.BooleanField(
        help_text=_("监管所用户看到的该项是否仍为全县（市、区）的数字（方案不属于任何监管所）")
    )


class StaffOfficeProgressSerializer(DescribedSerializer):
    office = StaffOfficeRefSerializer(label=_("监管所"), help_text=_("监管所"))
    enterprises = serializers.IntegerField(help_text=_("完成对标企业数"))
    results = serializers.IntegerField(help_text=_("发布对标结果数"))
    enterprise_quota = serializers.IntegerField(allow_null=True, help_text=_("对标企业任务数；无任务时为空"))
    result_quota = serializers.IntegerField(allow_null=True, help_text=_("对标结果任务数；无任务时为空"))
    completion = serializers.FloatField(allow_null=True, help_text=_("任务完成率（考核口径）；无任务时为空"))
    rank = serializers.IntegerField(
        allow_null=True, help_text=_("完成率在全县（市、区）各所中的名次；并列同名次")
    )
    pace_band = serializers.SerializerMethodField(
        help_text=_("进度档：ahead 不落后于时间进度，near 稍落后，behind 明显落后；无任务时为空")
    )

    def get_pace_band(self, row) -> str | None:
        return row.pace_band.value if row.pace_band else None


class StaffProgressSerializer(DescribedSerializer):
    as_of = serializers.DateField(help_text=_("截至日期（北京时间该日结束时）"))
    county = serializers.CharField(help_text=_("县（市、区）的行政区划代码（6 位）"))
    plan = StaffPlanSerializer(allow_null=True, help_text=_("生效中的千项计划；没有时为空"))
    elapsed = serializers.FloatField(
        allow_null=True, help_text=_("计划时间已过的比例（0–1）；没有计划时为空")
    )
    branch_office = StaffOfficeRefSerializer(
        allow_null=True, help_text=_("监管所用户：其所在的监管所（数字为该所的部分）；其他用户为空")
    )
    measures = StaffMeasureSerializer(many=True, help_text=_("三项数字及其目标"))
    offices = StaffOfficeProgressSerializer(
        many=True, help_text=_("各监管所的考核表（监管所用户只有本所一行）")
    )
