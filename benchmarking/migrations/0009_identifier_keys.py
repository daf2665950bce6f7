"""A scheme's code is a normalised field like the credit code and the standard number: what
is stored, matched and counted against its length is the code without invisible characters
(validators.normalize_scheme_code). And the standard number's duplicate message names the
spellings it now folds. No change to the tables."""

import benchmarking.models.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('benchmarking', '0008_aliases'),
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
        migrations.AlterField(
            model_name='historicalstandard',
            name='number',
            field=benchmarking.models.fields.StandardNumberField(db_index=True, error_messages={'unique': '该标准编号已存在（编号按统一格式比对，GB/T 1.1-2020、GBT 1.1-2020 与 GB/T 1.1—2020 视为同一标准）。'}, help_text='例如 GB/T 1.1—2020、ISO 8442-1:2008、T/ZZB 0123—2018。大小写、空格和连接号会自动统一。', max_length=80, verbose_name='标准编号'),
        ),
        migrations.AlterField(
            model_name='standard',
            name='number',
            field=benchmarking.models.fields.StandardNumberField(error_messages={'unique': '该标准编号已存在（编号按统一格式比对，GB/T 1.1-2020、GBT 1.1-2020 与 GB/T 1.1—2020 视为同一标准）。'}, help_text='例如 GB/T 1.1—2020、ISO 8442-1:2008、T/ZZB 0123—2018。大小写、空格和连接号会自动统一。', max_length=80, unique=True, verbose_name='标准编号'),
        ),
    ]
