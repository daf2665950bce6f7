from django.db import migrations, models

# A range indicator (区间) is met inside its bounds and missed outside them: it used to be
# stored as 等于 / 劣于, which read as "-2.5 % 等于 -3–3 %". Its rows are renamed in place,
# history included (the timeline shows past comparisons with today's labels).
RENAMED = (("equal", "inside"), ("worse", "outside"))


def rename(apps, renames):
    for model_name in ("DeclarationItem", "HistoricalDeclarationItem"):
        model = apps.get_model("benchmarking", model_name)
        Indicator = apps.get_model("benchmarking", "Indicator")
        ranges = Indicator.objects.filter(direction="range").values("pk")
        for old, new in renames:
            model.objects.filter(indicator_id__in=ranges, comparison=old).update(comparison=new)


def forwards(apps, schema_editor):
    rename(apps, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, [(new, old) for old, new in RENAMED])


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarking", "0011_address_limit_lift"),
    ]

    operations = [
        migrations.AlterField(
            model_name="declarationitem",
            name="comparison",
            field=models.CharField(
                blank=True,
                choices=[
                    ("better", "优于"),
                    ("equal", "等于"),
                    ("worse", "劣于"),
                    ("inside", "区间内"),
                    ("outside", "区间外"),
                    ("pass", "符合"),
                    ("fail", "不符合"),
                ],
                editable=False,
                max_length=8,
                verbose_name="比较结果",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldeclarationitem",
            name="comparison",
            field=models.CharField(
                blank=True,
                choices=[
                    ("better", "优于"),
                    ("equal", "等于"),
                    ("worse", "劣于"),
                    ("inside", "区间内"),
                    ("outside", "区间外"),
                    ("pass", "符合"),
                    ("fail", "不符合"),
                ],
                editable=False,
                max_length=8,
                verbose_name="比较结果",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
