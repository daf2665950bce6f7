"""/api/v1/public/: what the public pages show, for anyone, no token.

The published results come from ``selectors.public`` (its allowlist of columns, so the API can
show nothing the page does not) and are filtered by the public page's own filter set; the
figures are the counties' three counts as of a day with their ranks, as the dashboards rank
them (``selectors.ranks.public_county_figures``). A token is accepted but changes nothing:
what is public is decided without asking who asks.
"""

import datetime as dt

from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.reverse import reverse

from ..choices import COUNTY_LEVEL_KINDS, Grade, RegionKind
from ..filters import PublicResultFilter
from ..models import Region
from ..ranks import RankedMeasure
from ..regions import RegionScope
from ..selectors.lifecycle import attach_standard_updates
from ..selectors.public import public_result, published_results
from ..selectors.ranks import public_county_figures
from ..validators import validate_as_of_day
from .filtering import refuse_empty_or_repeated, without_sort
from .shared_serializers import StandardUpdateSerializer

TAG = "公开：结果公示与数字"


# -- results --------------------------------------------------------------------------------


class PublicResultRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="结果编号")
    url = serializers.SerializerMethodField(help_text="本结果的接口地址")
    page_url = serializers.SerializerMethodField(help_text="本结果的公示页面地址")
    enterprise_name = serializers.CharField(source="enterprise.name", help_text="企业名称")
    industry = serializers.CharField(source="enterprise.industry.name", help_text="行业")
    scheme_code = serializers.CharField(source="scheme.code", help_text="对标技术方案编号")
    scheme_title = serializers.CharField(source="scheme.title", help_text="对标技术方案名称")
    product_name = serializers.CharField(help_text="产品名称")
    product_model = serializers.CharField(help_text="产品型号")
    grade = serializers.ChoiceField(choices=Grade.choices, help_text="对标水平")
    grade_label = serializers.CharField(source="get_grade_display", help_text="对标水平（中文）")
    declared_on = serializers.DateField(allow_null=True, help_text="声明日期")
    published_on = serializers.SerializerMethodField(help_text="发布日期（北京时间）")
    standard_update = StandardUpdateSerializer(
        allow_null=True, help_text="对标标准已更新的说明；未更新时为 null"
    )

    def get_url(self, declaration) -> str:
        return reverse("api-public-result", args=[declaration.pk], request=self.context.get("request"))

    def get_page_url(self, declaration) -> str:
        return reverse("public-result-detail", args=[declaration.pk], request=self.context.get("request"))

    def get_published_on(self, declaration) -> dt.date:
        return timezone.localdate(declaration.published_at)


class PublicIndicatorSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="指标名称")
    unit = serializers.CharField(help_text="单位")
    is_core = serializers.BooleanField(help_text="是否核心指标")
    benchmark = serializers.CharField(help_text="对标值，如 ≥ 12 h")
    value = serializers.CharField(help_text="企业声明值")
    comparison = serializers.CharField(help_text="比对结果代码")
    comparison_label = serializers.CharField(help_text="比对结果（中文）")


class PublicResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="结果编号")
    page_url = serializers.SerializerMethodField(help_text="本结果的公示页面地址")
    report_url = serializers.SerializerMethodField(help_text="对标结果报告（PDF）地址")
    enterprise_name = serializers.CharField(help_text="企业名称")
    credit_code = serializers.CharField(help_text="统一社会信用代码")
    industry = serializers.CharField(help_text="行业")
    branch_office = serializers.CharField(help_text="所属监管所")
    product_name = serializers.CharField(help_text="产品名称")
    product_model = serializers.CharField(help_text="产品型号")
    scheme_code = serializers.CharField(help_text="对标技术方案编号")
    scheme_title = serializers.CharField(help_text="对标技术方案名称")
    scheme_publisher = serializers.CharField(help_text="方案发布单位")
    benchmark_standards = serializers.ListField(child=serializers.CharField(), help_text="对标标准")
    executed_standard_number = serializers.CharField(help_text="执行标准编号")
    executed_standard_title = serializers.CharField(help_text="执行标准名称")
    grade = serializers.ChoiceField(choices=Grade.choices, help_text="对标水平")
    grade_label = serializers.CharField(help_text="对标水平（中文）")
    grade_explained = serializers.CharField(help_text="对标水平如何由各指标得出")
    published_on = serializers.DateField(help_text="发布日期（北京时间）")
    declared_on = serializers.DateField(allow_null=True, help_text="声明日期")
    national_platform_url = serializers.CharField(help_text="企业标准信息公共服务平台上的声明地址")
    items = PublicIndicatorSerializer(many=True, help_text="各项指标的比对")
    standard_update = StandardUpdateSerializer(
        allow_null=True, help_text="对标标准已更新的说明；未更新时为 null"
    )

    def get_page_url(self, result) -> str:
        return reverse("public-result-detail", args=[result.pk], request=self.context.get("request"))

    def get_report_url(self, result) -> str:
        return reverse("public-result-report", args=[result.pk], request=self.context.get("request"))


class PublicApiMixin:
    authentication_classes = ()  # the same answer for everyone: a token is not even read
    permission_classes = (AllowAny,)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="已发布的对标结果",
        description=(
            "结果公示页面的列表：只含已发布且未撤回的结果（即千项计划计入的结果），"
            "可按关键词、行业、对标水平、发布日期筛选；按游标翻页，按结果编号倒序（后录入的在前）。"
        ),
    )
)
class PublicResultList(PublicApiMixin, generics.ListAPIView):
    serializer_class = PublicResultRowSerializer
    filterset_class = without_sort(PublicResultFilter)

    def get_queryset(self):
        return published_results()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        # why the marked results are marked: a few queries for the whole page
        page = attach_standard_updates(self.paginate_queryset(queryset))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="一项已发布的对标结果",
        description="与公示页面相同的内容，含各项指标的比对。未发布、已撤回或不存在的编号一律 404。",
    )
)
class PublicResultDetail(PublicApiMixin, generics.GenericAPIView):
    serializer_class = PublicResultSerializer

    def get(self, request, pk: int):
        result = public_result(pk)
        if result is None:
            raise NotFound(_("没有这项已发布的对标结果。"))
        return Response(self.get_serializer(result).data)


# -- figures --------------------------------------------------------------------------------


class RankSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="名次（1 为最高）")
    of = serializers.IntegerField(help_text="参与比较的县（市、区）数")
    tied = serializers.BooleanField(help_text="是否并列")


class MeasureSerializer(serializers.Serializer):
    count = serializers.IntegerField(source="figure", help_text="数字")
    province_rank = RankSerializer(
        source="ranks.province", allow_null=True, default=None, help_text="全省排名"
    )
    kind_rank = RankSerializer(
        source="ranks.kind",
        allow_null=True,
        default=None,
        help_text="在全省同类（县级市、市辖区、县）中的排名",
    )
    kind_label = serializers.CharField(source="ranks.kind_label", default="", help_text="同类的名称")
    prefecture_rank = RankSerializer(
        source="ranks.prefecture", allow_null=True, default=None, help_text="在所属设区市中的排名"
    )
    statement = serializers.CharField(help_text="排名的表述，与仪表板相同；无排名时为空")


class CountyFiguresSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="行政区划代码（GB/T 2260）")
    name = serializers.CharField(help_text="县（市、区）名称")
    prefecture = serializers.CharField(help_text="所属设区市的代码")
    schemes = MeasureSerializer(help_text="对标技术方案发布数")
    enterprises = MeasureSerializer(help_text="开展对标的企业数")
    results = MeasureSerializer(help_text="发布的对标结果数")

    def to_representation(self, instance):
        by_measure = {m.measure: m for m in instance.measures}
        return super().to_representation(
            {
                "code": instance.code,
                "name": instance.name,
                "prefecture": instance.prefecture,
                "schemes": by_measure[RankedMeasure.SCHEMES],
                "enterprises": by_measure[RankedMeasure.ENTERPRISES],
                "results": by_measure[RankedMeasure.RESULTS],
            }
        )


class FiguresSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="截至该日（北京时间）结束时")
    region = serializers.CharField(allow_null=True, help_text="所查的行政区划代码；全省各县时为 null")
    counties = CountyFiguresSerializer(many=True, help_text="各县（市、区）的三项数字及排名")


def _region_codes():
    # The province, its prefectures and its counties: what ``region`` may name.
    return Region.objects.filter(kind__in=[*COUNTY_LEVEL_KINDS, RegionKind.PREFECTURE, RegionKind.PROVINCE])


class FiguresQuery(serializers.Serializer):
    as_of = serializers.DateField(
        required=False, help_text="截至哪一天（YYYY-MM-DD，北京时间该日结束时）；不填为今天"
    )
    region = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        help_text="行政区划代码：一个县（市、区），或一个设区市、全省（列出所辖各县）；不填为全部",
        error_messages={"invalid": _("行政区划代码是 6 位数字，如 330784（永康市）。")},
    )

    def validate_region(self, code: str) -> Region:
        region = _region_codes().filter(code=code).first()
        if region is None:
            raise serializers.ValidationError(
                _("没有代码为 %(code)s 的省、设区市或县（市、区）。") % {"code": code}
            )
        return region

    def validate_as_of(self, value: dt.date) -> dt.date:
        validate_as_of_day(value)  # the dashboard's rule
        return value


@extend_schema_view(
    get=extend_schema(
        tags=[TAG],
        summary="各县（市、区）的三项数字及排名",
        description=(
            "千项计划的三项数字（对标技术方案发布数、开展对标的企业数、发布的对标结果数），"
            "截至某日，并按与仪表板相同的规则排名：全省、全省同类、所属设区市。"
        ),
        parameters=[FiguresQuery],
        responses=FiguresSerializer,
    )
)
class PublicFigures(PublicApiMixin, generics.GenericAPIView):
    serializer_class = FiguresSerializer

    def get(self, request):
        refuse_empty_or_repeated(request.query_params, ("as_of", "region"))
        query = FiguresQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or timezone.localdate()
        region = query.validated_data.get("region")
        counties = public_county_figures(as_of, RegionScope(region.code) if region else None)
        data = {"as_of": as_of, "region": region.code if region else None, "counties": counties}
        return Response(self.get_serializer(data).data)


urlpatterns = [
    path("results/", PublicResultList.as_view(), name="api-public-results"),
    path("results/<int:pk>/", PublicResultDetail.as_view(), name="api-public-result"),
    path("figures/", PublicFigures.as_view(), name="api-public-figures"),
]
