"""Attach records to the region tree: an enterprise, a branch office, a plan (one current plan per
county) and a scheme's publisher each belong to a county-level region, held by its GB/T 2260 code.

Existing rows get the home region (settings.BENCHMARKING_HOME_REGION, 330784 永康市), the
value AddField writes; an enterprise whose credit code names another county-level region that
is stored then gets that one (regions.county_code_of_credit_code's rule, in one UPDATE per table,
for its history rows too, so the change history shows no move nobody made). Reversible: going
back drops the columns."""

import benchmarking.models.regions
import django.db.models.deletion
from django.db import migrations, models
from django.db.models.functions import Substr

# The county-level kinds as this migration knows them (choices.COUNTY_LEVEL_KINDS).
COUNTY_LEVEL_KINDS = ["autonomous_county", "county", "county_city", "district"]


def enterprises_by_credit_code(apps, schema_editor):
    using = schema_editor.connection.alias
    counties = (
        apps.get_model("benchmarking", "Region")
        .objects.using(using)
        .filter(kind__in=COUNTY_LEVEL_KINDS)
        .values("code")
    )
    for name in ("Enterprise", "HistoricalEnterprise"):
        model = apps.get_model("benchmarking", name)
        (
            model.objects.using(using)
            .annotate(named=Substr("credit_code", 3, 6))
            .filter(named__in=counties)
            .exclude(region_id=models.F("named"))
            .filter(credit_code__regex=r"^.{18}$")
            .update(region_id=Substr("credit_code", 3, 6))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarking", "0016_regions_zhejiang"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="plan",
            name="benchmarking_plan_one_active",
        ),
        migrations.AddField(
            model_name="branchoffice",
            name="region",
            field=models.ForeignKey(
                default=benchmarking.models.regions.home_region_code,
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="branch_offices",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="enterprise",
            name="region",
            field=models.ForeignKey(
                default=benchmarking.models.regions.home_region_code,
                help_text="默认按统一社会信用代码的登记机关确定，无法确定时为本地；工作人员可更正。",
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="enterprises",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="historicalbranchoffice",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=benchmarking.models.regions.home_region_code,
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="historicalenterprise",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=benchmarking.models.regions.home_region_code,
                help_text="默认按统一社会信用代码的登记机关确定，无法确定时为本地；工作人员可更正。",
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="historicalplan",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=benchmarking.models.regions.home_region_code,
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="historicaltechnicalscheme",
            name="publisher_region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=benchmarking.models.regions.home_region_code,
                help_text="发布方案的县（市、区）：方案计入该地的发布数；各地企业均可采用。",
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="benchmarking.region",
                to_field="code",
                verbose_name="发布地",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="region",
            field=models.ForeignKey(
                default=benchmarking.models.regions.home_region_code,
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属县（市、区）",
            ),
        ),
        migrations.AddField(
            model_name="technicalscheme",
            name="publisher_region",
            field=models.ForeignKey(
                default=benchmarking.models.regions.home_region_code,
                help_text="发布方案的县（市、区）：方案计入该地的发布数；各地企业均可采用。",
                limit_choices_to={"kind__in": ["autonomous_county", "county", "county_city", "district"]},
                on_delete=django.db.models.deletion.PROTECT,
                related_name="published_schemes",
                to="benchmarking.region",
                to_field="code",
                verbose_name="发布地",
            ),
        ),
        migrations.AddConstraint(
            model_name="plan",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)),
                fields=("region",),
                name="benchmarking_plan_one_active",
                violation_error_message="已有一个当前计划，请先取消其“当前计划”标记。",
            ),
        ),
        migrations.RunPython(enterprises_by_credit_code, migrations.RunPython.noop, elidable=True),
    ]
