"""Load Zhejiang's region tree (浙江省 → 11 设区市 → 90 县级行政区, GB/T 2260, 民政部 2025 年版)
from benchmarking/data/regions-zhejiang-2025.csv, and let every kind of staff read it in the
admin. Idempotent (a second run changes nothing) and reversible (the regions, their history
records and the grant go)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from benchmarking import regions

# Every kind of staff reads the list (reference data); nobody edits it: it is the national standard.
STAFF_GROUPS = ("市局工作人员", "基层所工作人员", "局领导")


def _models(apps):
    return {
        "region_model": apps.get_model("benchmarking", "Region"),
        "history_model": apps.get_model("benchmarking", "HistoricalRegion"),
    }


def _view_permission(apps, using):
    app_config = apps.get_app_config("benchmarking")
    app_config.models_module = True  # as 0002: create_permissions skips an app without one
    create_permissions(app_config, apps=apps, verbosity=0, using=using)
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.using(using).get(content_type__app_label="benchmarking", codename="view_region")


def load(apps, schema_editor):
    using = schema_editor.connection.alias
    rows = regions.read_regions_csv(regions.ZHEJIANG_2025)
    regions.load_regions(rows, using=using, **_models(apps))
    permission = _view_permission(apps, using)
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=STAFF_GROUPS):
        group.permissions.add(permission)


def unload(apps, schema_editor):
    using = schema_editor.connection.alias
    rows = regions.read_regions_csv(regions.ZHEJIANG_2025)
    regions.unload_regions(rows, using=using, **_models(apps))
    permission = _view_permission(apps, using)
    for group in apps.get_model("auth", "Group").objects.using(using).filter(name__in=STAFF_GROUPS):
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarking", "0015_regions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(load, unload)]
