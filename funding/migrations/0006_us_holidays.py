"""The PSF's holidays to start from: the US federal holidays of 2026 and 2027 (the PSF is a US
non-profit), on the weekday they are observed. Staff keep the list in the admin (Funding → PSF
holidays) and add each new year's; the PSF staff group may view, add and change them."""

from datetime import date

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "PSF staff"
CODENAMES = ["view_holiday", "add_holiday", "change_holiday", "delete_holiday"]
HOLIDAYS = [
    ("2026-01-01", "New Year's Day"),
    ("2026-01-19", "Birthday of Martin Luther King, Jr."),
    ("2026-02-16", "Washington's Birthday"),
    ("2026-05-25", "Memorial Day"),
    ("2026-06-19", "Juneteenth National Independence Day"),
    ("2026-07-03", "Independence Day (observed)"),
    ("2026-09-07", "Labor Day"),
    ("2026-10-12", "Columbus Day"),
    ("2026-11-11", "Veterans Day"),
    ("2026-11-26", "Thanksgiving Day"),
    ("2026-12-25", "Christmas Day"),
    ("2027-01-01", "New Year's Day"),
    ("2027-01-18", "Birthday of Martin Luther King, Jr."),
    ("2027-02-15", "Washington's Birthday"),
    ("2027-05-31", "Memorial Day"),
    ("2027-06-18", "Juneteenth National Independence Day (observed)"),
    ("2027-07-05", "Independence Day (observed)"),
    ("2027-09-06", "Labor Day"),
    ("2027-10-11", "Columbus Day"),
    ("2027-11-11", "Veterans Day"),
    ("2027-11-25", "Thanksgiving Day"),
    ("2027-12-24", "Christmas Day (observed)"),
    ("2027-12-31", "New Year's Day (observed)"),
]


def add_holidays(apps, schema_editor):
    Holiday = apps.get_model("funding", "Holiday")
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(day=date.fromisoformat(day), defaults={"name": name})
    app_config = apps.get_app_config("funding")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    found = Permission.objects.filter(content_type__app_label="funding", codename__in=CODENAMES)
    if found.count() != len(CODENAMES):
        raise RuntimeError("PSF staff group: missing permissions for holidays")
    group.permissions.add(*found)


def remove_holidays(apps, schema_editor):
    Holiday = apps.get_model("funding", "Holiday")
    for day, name in HOLIDAYS:
        Holiday.objects.filter(day=date.fromisoformat(day), name=name).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0005_holidays_and_public_round_names")]
    operations = [migrations.RunPython(add_holidays, remove_holidays)]
