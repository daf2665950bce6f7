"""/api/v1/enterprise/: an enterprise's own declarations, for its users' programs, by token.

Reads go through ``scoping.visible_to`` and the portal's selectors, so another enterprise's
declaration is a 404 here as on the portal; every write goes through the portal's services
(``declaration_save_draft``, ``declaration_attach_evidence``, ``declaration_remove_evidence``,
``declaration_submit``), so the workflow checks, validation, change history (under the token's
user) and mail are the web's own.

A declaration's ``ETag`` is its version. A change or a submission must send it back in
``If-Match``: missing is a 428, and the services' conflict detection (``expected_version``)
turns a stale one into a 412.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from ..choices import DeclarationStatus
from ..models import Declaration, DeclarationEvent, EditConflict, Enterprise, Indicator, TechnicalScheme
from ..scoping import visible_to
from ..selectors.declarations import declarations_with_parts, latest_return_events
from ..selectors.lifecycle import standard_updates, with_standard_updates
from ..selectors.portal import published_schemes_for
from ..services.declarations import (
    declaration_attach_evidence,
    declaration_remove_evidence,
    declaration_save_draft,
    declaration_submit,
)
from .enterprise_serializers import (
    EnterpriseDeclarationCreateSerializer,
    EnterpriseDeclarationRowSerializer,
    EnterpriseDeclarationSerializer,
    EnterpriseDeclarationWriteSerializer,
    EnterpriseEvidenceSerializer,
    EnterpriseEvidenceUploadSerializer,
    EnterpriseSchemeSerializer,
)
from .errors import NON_FIELD, PreconditionRequired
from .pagination import ApiCursorPagination
from .parsers import JSONParser
from .views import EnterpriseToken

TAG = "企业：本企业的声明"

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='读取该声明时得到的 ETag，如 "3"。缺少时回答 428；声明已在别处被修改（版本不符）时回答 412。',
)
DECLARATION_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="声明编号")
SCHEME_ID = OpenApiParameter(
    "id", OpenApiTypes.INT, OpenApiParameter.PATH, description="技术方案编号（内部）"
)
EVIDENCE_ID = OpenApiParameter(
    "evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="证明材料编号"
)
ETAG_WORDS = '回答带 ETag 头（如 "3"，即 version），修改、提交时放在 If-Match 头中送回。'

# The services name the model's fields; the request names one of them differently.
FIELD_NAMES = {"executed_standard": "standard_number", "__all__": NON_FIELD}
# Service refusals raised without a field but about one: answered beside that field, as the
# portal's form shows them beside its inputs.
FIELD_OF_CODE = {
    "unknown_indicator": "values",
    "pass_fail_value": "values",
    "numeric_value": "values",
    "standard_not_registered": "standard_number",
    "standard_title_required": "standard_title",
    "standard_number_empty": "standard_number",
    "standard_number_shape": "standard_number",
}
_ENTITY_TAG = re.compile(r'^"(\d{1,9})"$')


def by_field(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's refusal as the API's 400, each message under the request field it is about."""
    detail: dict[str, list[str]] = {}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for inner in errors:
                detail.setdefault(FIELD_NAMES.get(field, field), []).extend(inner.messages)
    else:
        for inner in error.error_list:
            detail.setdefault(FIELD_OF_CODE.get(inner.code, NON_FIELD), []).extend(inner.messages)
    return exceptions.ValidationError(detail)


def call_service(service, **kwargs):
    """Run a write; an edit conflict stays one (the handler's 412), other refusals go by field."""
    try:
        return service(**kwargs)
    except EditConflict:
        raise
    except DjangoValidationError as error:
        raise by_field(error) from None


def expected_version(request) -> int:
    """The version named by ``If-Match``: required for every change of a declaration."""
    header = request.headers.get("If-Match")
    if header is None or not header.strip():
        raise PreconditionRequired()
    match = _ENTITY_TAG.match(header.strip())
    if match is None:
        raise exceptions.ValidationError(
            {"If-Match": [_('If-Match 应为读取声明时得到的 ETag，如 "3"（带双引号）。')]}
        )
    return int(match.group(1))


def etag(declaration: Declaration) -> str:
    return f'"{declaration.version}"'


def own_declarations(request):
    return visible_to(request.user, Declaration)


def declaration_detail_queryset(request):
    """Everything the portal's detail page reads, with the 对标标准已更新 reasons' annotations."""
    return with_standard_updates(declarations_with_parts(own_declarations(request)))


def declaration_answer(request, pk: int, *, status_code=status.HTTP_200_OK, headers=None) -> Response:
    """The declaration as read now, with its ETag (read again after a write: the services
    return the row, not its parts)."""
    declaration = get_object_or_404(declaration_detail_queryset(request), pk=pk)
    declaration.return_event = latest_return_events([declaration]).get(declaration.pk)
    declaration.standard_update = standard_updates([declaration]).get(declaration.pk)
    data = EnterpriseDeclarationSerializer(declaration, context={"request": request}).data
    return Response(data, status=status_code, headers={"ETag": etag(declaration), **(headers or {})})


class EnterpriseView(generics.GenericAPIView):
    permission_classes = [EnterpriseToken]


# -- schemes --------------------------------------------------------------------------------


class SchemeCursorPagination(ApiCursorPagination):
    # As the portal lists them: by scheme code (unique, so the cursor can resume from it).
    ordering = ("code",)


def schemes_for(request):
    # each scheme's indicators, in the scheme's order, in one query for the page
    indicators = Prefetch("indicators", queryset=Indicator.objects.order_by("order", "pk"))
    return published_schemes_for(request.user).prefetch_related(indicators)


@extend_schema(tags=[TAG])
class SchemeListView(EnterpriseView, generics.ListAPIView):
    serializer_class = EnterpriseSchemeSerializer
    pagination_class = SchemeCursorPagination

    def get_queryset(self):
        return schemes_for(self.request)

    @extend_schema(
        summary="可声明的技术方案",
        description="本企业可据以作出声明的已发布技术方案（已被修订的方案不在其中），按方案编号排列，含各项关键指标。",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=[TAG])
class SchemeDetailView(EnterpriseView, generics.RetrieveAPIView):
    serializer_class = EnterpriseSchemeSerializer

    def get_queryset(self):
        return schemes_for(self.request)

    @extend_schema(
        summary="一个可声明的技术方案",
        description="方案及其关键指标：声明时每项指标填一个值。",
        parameters=[SCHEME_ID],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


# -- declarations ---------------------------------------------------------------------------


@extend_schema(tags=[TAG])
class DeclarationListView(EnterpriseView, generics.ListCreateAPIView):
    parser_classes = [JSONParser]
    pagination_class = ApiCursorPagination
    serializer_class = EnterpriseDeclarationRowSerializer

    def get_queryset(self):
        return (
            # each row's 对标标准已更新 mark, in the same query
            with_standard_updates(own_declarations(self.request))
            # the scheme and executed-standard columns
            .select_related("scheme", "executed_standard")
            # of the events, only the returns give the review result to show
            .prefetch_related(
                Prefetch(
                    "events", queryset=DeclarationEvent.objects.filter(to_status=DeclarationStatus.RETURNED)
                )
            )
        )

    @extend_schema(
        summary="本企业的声明",
        description="本企业的全部声明，新建的在前，按游标翻页。含状态、对标水平、审核结果与“对标标准已更新”标记。",
    )
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        returns = latest_return_events(page)
        updates = standard_updates(page)
        for declaration in page:
            declaration.return_event = returns.get(declaration.pk)
            declaration.standard_update = updates.get(declaration.pk)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="新建声明草稿",
        description="按一个可声明的技术方案新建草稿，可同时填写各项指标的声明值（也可以之后修改时再填）。"
        "执行标准尚未收录时须填写标准名称（企业可自行登记企业标准和团体标准）。" + ETAG_WORDS,
        request=EnterpriseDeclarationCreateSerializer,
        responses={201: EnterpriseDeclarationSerializer},
    )
    def post(self, request, *args, **kwargs):
        form = EnterpriseDeclarationCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        # Any visible scheme, not only the published: a withdrawn or revised one gets the
        # service's reason, as on the portal, rather than a bare "no such scheme".
        scheme = visible_to(request.user, TechnicalScheme).filter(pk=data["scheme"]).first()
        if scheme is None:
            raise exceptions.ValidationError({"scheme": [_("没有这个技术方案，或本企业不能据此声明。")]})
        declaration = call_service(
            declaration_save_draft,
            actor=request.user,
            enterprise=visible_to(request.user, Enterprise).get(),
            scheme=scheme,
            standard_number=data["standard_number"],
            standard_title=data["standard_title"],
            values=data["values"],
            product_name=data["product_name"],
            product_model=data["product_model"],
            national_platform_url=data["national_platform_url"],
        )
        location = reverse("api-enterprise-declaration-detail", args=[declaration.pk], request=request)
        return declaration_answer(
            request, declaration.pk, status_code=status.HTTP_201_CREATED, headers={"Location": location}
        )


@extend_schema(tags=[TAG])
class DeclarationDetailView(EnterpriseView):
    parser_classes = [JSONParser]
    serializer_class = EnterpriseDeclarationSerializer

    @extend_schema(
        summary="一条声明",
        description="声明的全部内容，如门户的详情页：各项指标的声明值与比较结果、证明材料、流转记录、"
        "审核结果（退回理由或发布日期）与“对标标准已更新”的说明。" + ETAG_WORDS,
        parameters=[DECLARATION_ID],
    )
    def get(self, request, pk: int):
        return declaration_answer(request, pk)

    @extend_schema(
        summary="修改草稿或退回的声明",
        description="只送要改的字段；values 中未列出的指标保持原值，value 为 null 则清空该项。"
        "只有“草稿”“已退回”的声明可以修改。须带 If-Match。" + ETAG_WORDS,
        parameters=[DECLARATION_ID, IF_MATCH],
        request=EnterpriseDeclarationWriteSerializer,
        responses={200: EnterpriseDeclarationSerializer},
    )
    def patch(self, request, pk: int):
        declaration = get_object_or_404(
            own_declarations(request).select_related("enterprise", "scheme", "executed_standard"), pk=pk
        )
        version = expected_version(request)
        form = EnterpriseDeclarationWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        # What is left out keeps its stored value: the portal's save takes the whole form.
        call_service(
            declaration_save_draft,
            actor=request.user,
            enterprise=declaration.enterprise,
            scheme=declaration.scheme,
            declaration=declaration,
            expected_version=version,
            standard_number=data.get("standard_number", declaration.executed_standard.number),
            standard_title=data.get("standard_title", ""),
            values=data.get("values", {}),
            product_name=data.get("product_name", declaration.product_name),
            product_model=data.get("product_model", declaration.product_model),
            national_platform_url=data.get("national_platform_url", declaration.national_platform_url),
        )
        return declaration_answer(request, pk)


@extend_schema(tags=[TAG])
class EvidenceUploadView(EnterpriseView):
    parser_classes = [MultiPartParser]
    serializer_class = EnterpriseEvidenceSerializer

    @extend_schema(
        summary="上传证明材料",
        description="给草稿或退回的声明添加一个证明材料文件（检测报告、证书等），以文件名为说明。"
        "文件的检查（大小、按内容判断的类型）与门户相同。须带 If-Match；回答的 ETag 是声明的新版本。",
        parameters=[DECLARATION_ID, IF_MATCH],
        request={"multipart/form-data": EnterpriseEvidenceUploadSerializer},
        responses={201: EnterpriseEvidenceSerializer},
    )
    def post(self, request, pk: int):
        declaration = get_object_or_404(own_declarations(request), pk=pk)
        version = expected_version(request)
        form = EnterpriseEvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        (evidence,) = call_service(
            declaration_attach_evidence,
            declaration=declaration,
            actor=request.user,
            files=[form.validated_data["file"]],
            expected_version=version,
        )
        return Response(
            EnterpriseEvidenceSerializer(evidence, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag(Declaration.objects.only("version").get(pk=pk))},
        )


@extend_schema(tags=[TAG])
class EvidenceDetailView(EnterpriseView):
    serializer_class = None

    @extend_schema(
        summary="删除证明材料",
        description="从草稿或退回的声明中删除一个证明材料文件。须带 If-Match；回答的 ETag 是声明的新版本。",
        parameters=[DECLARATION_ID, EVIDENCE_ID, IF_MATCH],
        request=None,
        responses={204: OpenApiResponse(description="已删除")},
    )
    def delete(self, request, pk: int, evidence_id: int):
        declaration = get_object_or_404(own_declarations(request), pk=pk)
        evidence = get_object_or_404(declaration.evidence.all(), pk=evidence_id)
        call_service(
            declaration_remove_evidence,
            declaration=declaration,
            actor=request.user,
            evidence_ids=[evidence.pk],
            expected_version=expected_version(request),
        )
        return Response(
            status=status.HTTP_204_NO_CONTENT,
            headers={"ETag": etag(Declaration.objects.only("version").get(pk=pk))},
        )


@extend_schema_view(
    post=extend_schema(
        summary="提交审核",
        description="把草稿或退回的声明提交给市场监管部门审核：各项指标须已填写，技术方案须仍可声明；"
        "审核人员会收到邮件通知。须带 If-Match。" + ETAG_WORDS,
        parameters=[DECLARATION_ID, IF_MATCH],
        request=None,
        responses={200: EnterpriseDeclarationSerializer},
        tags=[TAG],
    )
)
class DeclarationSubmitView(EnterpriseView):
    serializer_class = EnterpriseDeclarationSerializer

    def post(self, request, pk: int):
        declaration = get_object_or_404(own_declarations(request), pk=pk)
        version = expected_version(request)
        call_service(
            declaration_submit, declaration=declaration, actor=request.user, expected_version=version
        )
        return declaration_answer(request, pk)


urlpatterns = [
    path("schemes/", SchemeListView.as_view(), name="api-enterprise-scheme-list"),
    path("schemes/<int:pk>/", SchemeDetailView.as_view(), name="api-enterprise-scheme-detail"),
    path("declarations/", DeclarationListView.as_view(), name="api-enterprise-declaration-list"),
    path("declarations/<int:pk>/", DeclarationDetailView.as_view(), name="api-enterprise-declaration-detail"),
    path(
        "declarations/<int:pk>/evidence/",
        EvidenceUploadView.as_view(),
        name="api-enterprise-declaration-evidence",
    ),
    path(
        "declarations/<int:pk>/evidence/<int:evidence_id>/",
        EvidenceDetailView.as_view(),
        name="api-enterprise-declaration-evidence-detail",
    ),
    path(
        "declarations/<int:pk>/submit/",
        DeclarationSubmitView.as_view(),
        name="api-enterprise-declaration-submit",
    ),
]
