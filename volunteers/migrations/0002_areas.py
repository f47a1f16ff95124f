"""The areas volunteers can help with, as rows that roles, the pool form and the filters read."""

from django.db import migrations

AREAS = [
    ("infrastructure", "Infrastructure and servers"),
    ("web", "Websites and content"),
    ("support", "Helping Python users"),
    ("events", "Conferences and events"),
    ("grants", "Grants and fundraising"),
    ("outreach", "Outreach and education"),
]


def add_areas(apps, schema_editor):
    Area = apps.get_model("volunteers", "Area")
    for position, (code, label) in enumerate(AREAS):
        Area.objects.update_or_create(code=code, defaults={"label": label, "position": position})


def remove_areas(apps, schema_editor):
    apps.get_model("volunteers", "Area").objects.filter(code__in=[c for c, _ in AREAS]).delete()


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(add_areas, remove_areas)]
