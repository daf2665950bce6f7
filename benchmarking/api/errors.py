"""Every API error is JSON of one shape, in Chinese::

    {"detail": "请检查以下字段：product_name。", "errors": {"product_name": ["该字段是必填项。"]}}

``detail`` says what is wrong in a sentence; ``errors`` (on 400 only) maps each field to its
messages, "non_field_errors" for what belongs to no one field. The services' Django
ValidationErrors (keyed by field, as the forms show them) come out the same way, and an edit
conflict (another write since the version the client read) is a 412.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from ..models import EditConflict

NON_FIELD = "non_field_errors"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "该记录已在别处被修改：请重新读取（取得新的 ETag）后再提交。"
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "修改已有记录须带 If-Match 头，其值为读取时得到的 ETag。"
    default_code = "precondition_required"


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{key}：{message}" for key, inner in value.items() for message in _messages(inner)]
    if isinstance(value, list):
        return [message for inner in value for message in _messages(inner)]
    return [str(value)]


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _messages(value) for field, value in detail.items()}
    return {NON_FIELD: _messages(detail)}


def _from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        detail = {
            (NON_FIELD if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    else:
        detail = {NON_FIELD: error.messages}
    return exceptions.ValidationError(detail)


def api_exception_handler(exc, context):
    if isinstance(exc, EditConflict):
        exc = PreconditionFailed()
    elif isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django's 500 handling, logged
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        named = [field for field in errors if field != NON_FIELD]
        if named:
            detail = _("请检查以下字段：%(fields)s。") % {"fields": "、".join(named)}
        else:
            detail = "；".join(errors[NON_FIELD])
        response.data = {"detail": detail, "errors": errors}
    elif isinstance(exc, exceptions.Throttled):
        wait = exc.wait or 1
        response.data = {
            "detail": _(
                "请求过于频繁：每分钟的请求数有上限（按令牌计；不带令牌时按网络地址计）。请 %(seconds)d 秒后再试。"
            )
            % {"seconds": round(wait + 0.5)}
        }
    else:
        data = response.data
        detail = data.get("detail") if isinstance(data, dict) else None
        response.data = {"detail": str(detail if detail is not None else data)}
    return response
