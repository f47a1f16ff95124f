"""The "PSF staff" group: exactly what triage needs, and nothing that deletes or manages people.

It lives in the project package because it spans both halves. `manage.py make_staff` puts people
in it; superusers keep everything else (people, the audit record, areas and kinds of help).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "PSF staff"
PERMISSIONS = {
    "help_requests": [
        "view_helprequest",
        "change_helprequest",
        "view_comment",
        "view_helprequestevent",
        "view_helpkind",
    ],
    "volunteers": [
        "view_area",
        "view_role",
        "add_role",
        "change_role",
        "view_roleinterest",
        "change_roleinterest",
        "view_poolmember",
        "change_poolmember",
    ],
    "notifications": ["view_outboundemail"],
}


def add_group(apps, schema_editor):
    # Permissions are normally made after all migrations; this group needs them now.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for label, codenames in PERMISSIONS.items():
        found = Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        if found.count() != len(codenames):
            raise RuntimeError(f"PSF staff group: missing permissions for {label}")
        group.permissions.add(*found)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("help_requests", "0002_help_kinds"),
        ("volunteers", "0002_areas"),
        ("notifications", "0002_outbound_email_secret"),
    ]

    operations = [migrations.RunPython(add_group, remove_group)]
