"""What more than one part of the API answers with, described once."""

from rest_framework import serializers


class RevisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="修订后方案的编号（内部），可据此重新声明")
    code = serializers.CharField(help_text="修订后的方案编号")
    title = serializers.CharField(help_text="修订后的方案名称")


class StandardUpdateSerializer(serializers.Serializer):
    """Why a declaration is marked 对标标准已更新 (``selectors.lifecycle.StandardUpdate``)."""

    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="对标标准已更新的原因：每条说明一项标准或方案的变化"
    )
    revision = RevisionSerializer(allow_null=True, help_text="已发布的修订后方案；尚无时为 null")
    awaiting_revision = serializers.BooleanField(help_text="方案待修订，尚无修订后的方案可声明")
