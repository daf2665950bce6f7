"""An enterprise belongs to a county this deployment serves: 0017 placed existing enterprises by the
county their credit code names, which in a deployment for one county put those registered
elsewhere (a 金华 or 义乌 registration, supervised by a Yongkang office) in a county nobody here
works in, out of every list. Those go back to their branch office's county, their history rows
too (the change history shows no move nobody made). Served: the home county and every county with
a branch office (selectors.regions.served_county_codes). Nothing to undo going back."""

from django.conf import settings
from django.db import migrations
from django.db.models import OuterRef, Subquery


def back_to_their_offices_county(apps, schema_editor):
    using = schema_editor.connection.alias
    offices = apps.get_model("benchmarking", "BranchOffice").objects.using(using)
    served = set(offices.values_list("region_id", flat=True)) | {settings.BENCHMARKING_HOME_REGION}
    for name in ("Enterprise", "HistoricalEnterprise"):
        model = apps.get_model("benchmarking", name)
        model.objects.using(using).exclude(region_id__in=served).exclude(branch_office_id=None).update(
            region_id=Subquery(offices.filter(pk=OuterRef("branch_office_id")).values("region_id")[:1])
        )


class Migration(migrations.Migration):
    dependencies = [("benchmarking", "0018_profile_region")]

    operations = [migrations.RunPython(back_to_their_offices_county, migrations.RunPython.noop)]
