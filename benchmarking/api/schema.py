"""The OpenAPI schema's shared parts: the error body every operation may answer with, and which
statuses each kind of operation can give, so that clients (and Schemathesis) find every answer
the API gives described in the schema."""

ERROR_SCHEMA = {
    "type": "object",
    "description": "出错时的回答：detail 说明原因；errors（仅 400）按字段列出问题。",
    "properties": {
        "detail": {"type": "string", "description": "错误说明（中文）"},
        "errors": {
            "type": "object",
            "description": "按字段列出的问题；不属于某一字段的在 non_field_errors。",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail"],
}

ERROR_WORDS = {
    "400": "请求有误：参数或数据不合要求（errors 按字段说明）",
    "401": "未提供令牌，或令牌无效、已过期、已吊销",
    "403": "令牌所属用户的角色不能使用这部分接口",
    "404": "记录不存在，或不在令牌所属用户的范围内",
    "405": "该地址不支持这种请求方法",
    "406": "无法以所要求的格式回答",
    "412": "记录已在别处被修改（If-Match 与当前 ETag 不符）",
    "413": "上传的文件过大",
    "415": "不支持的请求体格式",
    "428": "修改已有记录须带 If-Match 头",
    "429": "请求过于频繁，请按 Retry-After 所示秒数后再试",
}
# Every operation may answer these; the others as its method and path allow (below).
ALWAYS = ("400", "401", "403", "404", "405", "406", "429")
WRITES = ("412", "413", "415", "428")


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Error component, and the error answers each
    operation can give (its own, where it declares them, are kept)."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ALWAYS + (WRITES if method in ("post", "put", "patch", "delete") else ())
            for code in codes:
                operation["responses"].setdefault(
                    code,
                    {
                        "description": ERROR_WORDS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
