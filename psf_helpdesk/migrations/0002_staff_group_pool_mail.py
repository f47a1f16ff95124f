"""PSF staff write and send announcements to the pool and see what every mailing sent."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "PSF staff"
PERMISSIONS = ["view_announcement", "add_announcement", "change_announcement", "view_poolmailing"]


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("volunteers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    found = Permission.objects.filter(
        content_type__app_label="volunteers", codename__in=PERMISSIONS
    )
    if found.count() != len(PERMISSIONS):
        raise RuntimeError("PSF staff group: missing permissions for the pool's mail")
    group.permissions.add(*found)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="volunteers", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("psf_helpdesk", "0001_staff_group"),
        ("volunteers", "0004_pool_writes_back"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
