"""Create the four role groups with their model permissions, so every fresh
database has them (benchmarking.access maps groups to roles)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("add", "change", "delete", "view")
MODELS = (
    "branchoffice", "industry", "enterprise", "standard", "technicalscheme", "schemebenchmark",
    "indicator", "indicatorreferencevalue", "declaration", "declarationitem", "declarationevidence",
    "declarationevent", "plan", "planquota", "userprofile",
)
# Branch-office staff enter and review their own office's enterprises and declarations
# (row scope is enforced in code); reference data they may only read.
BRANCH_WRITES = {"enterprise", "standard", "declaration", "declarationitem", "declarationevidence"}

GROUPS = {
    "市局工作人员": {model: ALL for model in MODELS if model not in {"declarationevent"}}
    | {"declarationevent": ("view",)},
    "基层所工作人员": {model: (("add", "change", "view") if model in BRANCH_WRITES else ("view",)) for model in MODELS
                if model not in {"userprofile"}},
    "局领导": {model: ("view",) for model in MODELS if model != "userprofile"},
    # Enterprise users work in the portal, not the admin: no model permissions.
    "企业用户": {},
}


# Bureau staff create users (enterprise logins, branch staff) and give them their role group.
AUTH_GRANTS = {"市局工作人员": ["add_user", "change_user", "view_user", "view_group"]}


def create_groups(apps, schema_editor):
    for label in ("auth", "benchmarking"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in grants.items() for action in actions]
        group.permissions.set(
            [
                *Permission.objects.filter(content_type__app_label="benchmarking", codename__in=codenames),
                *Permission.objects.filter(content_type__app_label="auth", codename__in=AUTH_GRANTS.get(name, [])),
            ]
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("benchmarking", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
