"""PSF staff review funding: open rounds, record decisions, keep the rules, rates and canned
replies, read the board's report. No deletes (superusers keep those)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "PSF staff"
PERMISSIONS = {
    "funding": [
        "view_fundingrequest",
        "change_fundingrequest",  # record a decision
        "view_decision",
        "view_budgetline",
        "view_reviewround",
        "add_reviewround",
        "change_reviewround",
        "view_exchangerate",
        "add_exchangerate",
        "change_exchangerate",
        "view_fundingpolicy",
        "change_fundingpolicy",
        "view_budgetcategory",
        "add_budgetcategory",
        "change_budgetcategory",
        "view_eventkind",
        "add_eventkind",
        "change_eventkind",
        "view_boardreport",
    ],
    "help_requests": ["view_cannedreply", "add_cannedreply", "change_cannedreply"],
}


def add_permissions(apps, schema_editor):
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


def remove_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    for label, codenames in PERMISSIONS.items():
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label=label, codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("funding", "0003_itemise_existing_amounts"),
        ("psf_helpdesk", "0001_staff_group"),
    ]
    operations = [migrations.RunPython(add_permissions, remove_permissions)]
