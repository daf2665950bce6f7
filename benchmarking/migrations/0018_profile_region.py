"""A user's region: the county, prefecture or province whose records they work with. Existing
profiles get the home county (the value AddField writes), then the county of their branch office
or enterprise where that is another (UserProfile.clean's rule)."""

import benchmarking.models.regions
import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def region_of_office_or_enterprise(apps, schema_editor):
    using = schema_editor.connection.alias
    profiles = apps.get_model("benchmarking", "UserProfile").objects.using(using)
    for field, model in (("branch_office", "BranchOffice"), ("enterprise", "Enterprise")):
        owner = apps.get_model("benchmarking", model).objects.using(using)
        profiles.filter(**{f"{field}__isnull": False}).update(
            region_id=Subquery(owner.filter(pk=OuterRef(f"{field}_id")).values("region_id")[:1])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarking", "0017_region_attachment"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicaluserprofile",
            name="region",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                default=benchmarking.models.regions.home_region_code,
                help_text="县（市、区）的工作人员管理本县的数据；设区市和省的工作人员与局领导只读所辖各县的数据。监管所人员和企业用户随其监管所或企业所在的县。",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属行政区",
            ),
        ),
        migrations.AddField(
            model_name="userprofile",
            name="region",
            field=models.ForeignKey(
                default=benchmarking.models.regions.home_region_code,
                help_text="县（市、区）的工作人员管理本县的数据；设区市和省的工作人员与局领导只读所辖各县的数据。监管所人员和企业用户随其监管所或企业所在的县。",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="user_profiles",
                to="benchmarking.region",
                to_field="code",
                verbose_name="所属行政区",
            ),
        ),
        migrations.RunPython(region_of_office_or_enterprise, migrations.RunPython.noop),
    ]
