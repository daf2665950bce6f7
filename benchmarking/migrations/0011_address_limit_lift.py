"""The record of bureau staff lifting a network address's login limit."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('benchmarking', '0010_declaration_national_platform_hosts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AddressLimitLift',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ip_address', models.GenericIPAddressField(verbose_name='网络地址')),
                ('lifted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='解除时间')),
                ('failures', models.PositiveIntegerField(verbose_name='当时的失败次数')),
                ('usernames', models.PositiveIntegerField(verbose_name='当时涉及的用户名数')),
                ('lifted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='address_limit_lifts', to=settings.AUTH_USER_MODEL, verbose_name='解除人')),
            ],
            options={
                'verbose_name': '解除地址登录限制记录',
                'verbose_name_plural': '解除地址登录限制记录',
                'ordering': ['-lifted_at', '-pk'],
                'indexes': [models.Index(fields=['ip_address', 'lifted_at'], name='benchmarking_lift_address_at')],
            },
        ),
    ]
