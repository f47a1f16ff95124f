"""PSF staff read incoming mail and decide on the quarantine (turn a message into a request, or
discard it): view and change, never delete (the retention period removes what mail held)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "PSF staff"
PERMISSIONS = ["view_inboundmessage", "change_inboundmessage"]


def add_permissions(apps, schema_editor):
    app_config = apps.get_app_config("mail_in")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    found = Permission.objects.filter(content_type__app_label="mail_in", codename__in=PERMISSIONS)
    if found.count() != len(PERMISSIONS):
        raise RuntimeError("PSF staff group: missing permissions for incoming mail")
    group.permissions.add(*found)


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="mail_in", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("mail_in", "0001_initial"),
        ("psf_helpdesk", "0002_staff_group_pool_mail"),
    ]

    operations = [migrations.RunPython(add_permissions, remove_permissions)]
