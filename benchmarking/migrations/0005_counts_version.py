"""The counts version and the triggers that raise it (see benchmarking.models.counting)."""

from django.db import migrations, models


def create_version_and_triggers(apps, schema_editor):
    apps.get_model("benchmarking", "CountsVersion").objects.using(schema_editor.connection.alias).create(
        id=1, value=0
    )
    # The trigger SQL lives in benchmarking.counting_triggers, which also re-installs it after
    # every migrate (a SQLite table rebuild drops a table's triggers).
    from benchmarking.counting_triggers import install_counts_triggers

    install_counts_triggers(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from benchmarking.counting_triggers import drop_counts_triggers

    drop_counts_triggers(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('benchmarking', '0004_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='CountsVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('value', models.BigIntegerField(default=0, verbose_name='计数版本')),
            ],
            options={
                'verbose_name': '计数版本',
                'verbose_name_plural': '计数版本',
            },
        ),
        migrations.RunPython(create_version_and_triggers, drop_triggers),
    ]

