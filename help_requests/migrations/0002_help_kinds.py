"""The kinds of help the PSF offers, as rows the form and the admin filter read."""

from django.db import migrations

KINDS = [
    ("funding", "Funding"),
    ("infrastructure", "Infrastructure"),
    ("advice", "Advice"),
    ("people", "People"),
    ("other", "Something else"),
]


def add_kinds(apps, schema_editor):
    HelpKind = apps.get_model("help_requests", "HelpKind")
    for position, (code, label) in enumerate(KINDS):
        HelpKind.objects.update_or_create(
            code=code, defaults={"label": label, "position": position}
        )


def remove_kinds(apps, schema_editor):
    apps.get_model("help_requests", "HelpKind").objects.filter(
        code__in=[c for c, _ in KINDS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("help_requests", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, remove_kinds)]
