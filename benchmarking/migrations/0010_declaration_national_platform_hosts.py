"""A declaration's platform link must lead to the national 企业标准信息公共服务平台's own hosts."""

import benchmarking.validators
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('benchmarking', '0009_identifier_keys'),
    ]

    operations = [
        migrations.AlterField(
            model_name='declaration',
            name='national_platform_url',
            field=models.URLField(blank=True, help_text='该声明在企业标准信息公共服务平台上的记录地址（可选），只接受该平台自己的网址。', validators=[benchmarking.validators.validate_national_platform_url], verbose_name='企业标准信息公共服务平台链接'),
        ),
        migrations.AlterField(
            model_name='historicaldeclaration',
            name='national_platform_url',
            field=models.URLField(blank=True, help_text='该声明在企业标准信息公共服务平台上的记录地址（可选），只接受该平台自己的网址。', validators=[benchmarking.validators.validate_national_platform_url], verbose_name='企业标准信息公共服务平台链接'),
        ),
    ]
