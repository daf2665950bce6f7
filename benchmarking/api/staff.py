"""/api/v1/staff/: the staff pages' lists and the progress dashboard's figures, read-only, by token.

Each list is the page's own: the rows ``scoping.visible_to`` gives the token's user, filtered by
the page's filter set (without ``sort``: the cursor orders, see ``filtering``). A record outside
the user's scope is absent from the list and a 404 on its own address, as on the pages. The
progress figures are the dashboard's (``selectors.dashboard.dashboard_for``), never recounted.
"""

from django.db.models import Prefetch, QuerySet
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from ..filters import DeclarationFilter, EnterpriseFilter, SchemeFilter, StandardFilter
from ..models import (
    Declaration,
    Enterprise,
    Indicator,
    IndicatorReferenceValue,
    SchemeBenchmark,
    Standard,
    TechnicalScheme,
)
from ..scoping import visible_to
from ..selectors.dashboard import dashboard_for
from ..selectors.declarations import declarations_with_parts
from ..selectors.revisions import with_revision_marks
from ..views.dashboard import DashboardForm, _viewer_office, viewer_county
from . import staff_serializers as s
from .filtering import refuse_empty_or_repeated, without_sort
from .views import StaffToken

TAG = "工作人员"


class StaffReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A staff list and its records' detail: the rows the user may see (``visible_to``), the
    page's filter set on the list only (a detail address is the record, whatever the query)."""

    permission_classes = [StaffToken]
    # Ids only: anything else under the list is the API's JSON 404 (urls.not_found).
    lookup_value_regex = r"[0-9]+"
    model: type
    # The list's joins, as the page's (views.lists); the detail adds its prefetches.
    list_select_related: tuple[str, ...] = ()
    detail_serializer_class = None

    def get_queryset(self) -> QuerySet:
        return visible_to(self.request.user, self.model).select_related(*self.list_select_related)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class


@extend_schema_view(
    list=extend_schema(
        summary="企业列表",
        description="令牌所属用户可查看的企业（监管所用户只有本所的），筛选条件与网页“企业”列表相同。",
        tags=[TAG],
    ),
    retrieve=extend_schema(summary="企业详情", tags=[TAG]),
)
class EnterpriseViewSet(StaffReadViewSet):
    model = Enterprise
    serializer_class = s.StaffEnterpriseSerializer
    filterset_class = without_sort(EnterpriseFilter)
    list_select_related = ("branch_office", "industry")  # the branch_office and industry objects

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            # The list's count comes from its filter set; a record's from the same selector.
            queryset = EnterpriseFilter(request=self.request).with_counts(queryset)
        return queryset


@extend_schema_view(
    list=extend_schema(
        summary="标准列表", description="标准：按编号、名称搜索，按类别、状态筛选。", tags=[TAG]
    ),
    retrieve=extend_schema(summary="标准详情", tags=[TAG]),
)
class StandardViewSet(StaffReadViewSet):
    model = Standard
    serializer_class = s.StaffStandardSerializer
    filterset_class = StandardFilter

    def get_queryset(self):
        # The replaces and replaced_by lists: one query each for the whole page.
        return (
            super()
            .get_queryset()
            .prefetch_related(
                Prefetch("replaces", queryset=Standard.objects.order_by("number")),
                Prefetch("replaced_by", queryset=Standard.objects.order_by("number")),
            )
        )


@extend_schema_view(
    list=extend_schema(
        summary="对标技术方案列表",
        description="令牌所属用户可查看的方案，筛选条件与网页“对标技术方案”列表相同。",
        tags=[TAG],
    ),
    retrieve=extend_schema(summary="对标技术方案详情（对标标准、关键指标及各标准规定值）", tags=[TAG]),
)
class SchemeViewSet(StaffReadViewSet):
    model = TechnicalScheme
    serializer_class = s.StaffSchemeSerializer
    detail_serializer_class = s.StaffSchemeDetailSerializer
    filterset_class = without_sort(SchemeFilter)
    list_select_related = ("industry",)  # the industry object

    def get_queryset(self):
        # 需修订 and 已修订, in the rows' own query, as the page's badges.
        queryset = with_revision_marks(super().get_queryset())
        if self.action != "retrieve":
            return queryset
        user = self.request.user
        return (
            SchemeFilter(request=self.request)
            .with_counts(queryset)
            .prefetch_related(
                Prefetch(
                    "schemebenchmark_set",
                    queryset=visible_to(user, SchemeBenchmark).select_related("standard"),
                ),
                Prefetch(
                    "indicators",
                    queryset=visible_to(user, Indicator)
                    .order_by("order", "id")
                    .prefetch_related(
                        Prefetch(
                            "reference_values",
                            queryset=visible_to(user, IndicatorReferenceValue)
                            .select_related("standard")
                            .order_by("standard__number"),
                        )
                    ),
                ),
            )
        )


@extend_schema_view(
    list=extend_schema(
        summary="自我声明对标结果列表",
        description="令牌所属用户可查看的声明（监管所用户只有本所企业的），筛选条件与网页列表相同。",
        tags=[TAG],
    ),
    retrieve=extend_schema(summary="自我声明对标结果详情（指标声明值、流转记录）", tags=[TAG]),
)
class DeclarationViewSet(StaffReadViewSet):
    model = Declaration
    serializer_class = s.StaffDeclarationSerializer
    detail_serializer_class = s.StaffDeclarationDetailSerializer
    filterset_class = without_sort(DeclarationFilter)
    # The enterprise with its office and industry, the scheme, the executed standard.
    list_select_related = (
        "enterprise__branch_office",
        "enterprise__industry",
        "scheme",
        "executed_standard",
    )

    def get_queryset(self):
        queryset = super().get_queryset()
        # The detail reads what the declaration pages read: items, events, evidence.
        return declarations_with_parts(queryset) if self.action == "retrieve" else queryset


class ProgressView(APIView):
    """The 千项计划 progress of the user's county, as the dashboard shows it."""

    permission_classes = [StaffToken]

    @extend_schema(
        summary="千项计划进度",
        description=(
            "与网页“进度”页面相同的数字：三项数字及目标、各监管所考核表，截至 as_of 那天结束。"
            "县（市、区）的用户看本县；监管所用户看本所的部分；市、省的用户须以 region 指定所辖的一个县（市、区）。"
        ),
        tags=[TAG],
        parameters=[
            OpenApiParameter(
                "as_of",
                OpenApiTypes.DATE,
                description="截至日期（YYYY-MM-DD），默认今天；不能晚于今天，不能早于 2000 年。",
            ),
            OpenApiParameter(
                "region",
                OpenApiTypes.STR,
                description="县（市、区）的行政区划代码（6 位）：市、省的用户必填；县（市、区）的用户只能是本县。",
            ),
            OpenApiParameter(
                "sort",
                OpenApiTypes.STR,
                enum=[choice for choice, _label in DashboardForm.base_fields["sort"].choices],
                description="考核表的顺序，如网页：rank、office、enterprises、results、completion；前加 - 为倒序。",
            ),
        ],
        responses=s.StaffProgressSerializer,
    )
    def get(self, request):
        # The dashboard's own parameters, checks and county (a county not the user's is a 404).
        refuse_empty_or_repeated(request.query_params, ("as_of", "region", "sort"))
        form = DashboardForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        county = viewer_county(request)
        if county is None:
            raise ValidationError({"region": [_("请用 region 参数指定所辖的一个县（市、区）的 6 位代码。")]})
        dashboard = dashboard_for(
            as_of=form.cleaned_data["as_of"],
            # The page's office share, refusing (403) a branch login tied to no office, as it does.
            branch_office=_viewer_office(request.user),
            sort=form.cleaned_data["sort"] or "rank",
            county=county,
        )
        return Response(s.StaffProgressSerializer(dashboard).data)


router = SimpleRouter()
router.register("enterprises", EnterpriseViewSet, basename="api-staff-enterprise")
router.register("standards", StandardViewSet, basename="api-staff-standard")
router.register("schemes", SchemeViewSet, basename="api-staff-scheme")
router.register("declarations", DeclarationViewSet, basename="api-staff-declaration")

urlpatterns = [
    *router.urls,
    path("progress/", ProgressView.as_view(), name="api-staff-progress"),
]
