"""A scheme's code is a normalised field like the credit code and the standard number: what
is stored, matched and counted against its length is the code without invisible characters
(validators.normalize_scheme_code). No change to the table."""

import benchmarking.models.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('benchmarking', '0007_newest_first_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaltechnicalscheme',
            name='code',
            field=benchmarking.models.fields.SchemeCodeField(db_index=True, error_messages={'unique': '该方案编号已存在。'}, max_length=40, verbose_name='方案编号'),
        ),
        migrations.AlterField(
            model_name='technicalscheme',
            name='code',
            field=benchmarking.models.fields.SchemeCodeField(error_messages={'unique': '该方案编号已存在。'}, max_length=40, unique=True, verbose_name='方案编号'),
        ),
    ]
