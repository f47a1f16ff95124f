from django.db import migrations, models

from common.db import AddFieldInPlace


class Migration(migrations.Migration):
    dependencies = [
        ("help_requests", "0006_search_indexes"),
    ]

    operations = [
        AddFieldInPlace(  # SQLite: see common.db
            model_name="helprequest",
            name="source",
            field=models.CharField(
                choices=[("web", "Web form"), ("email", "E-mail")],
                default="web",
                help_text="How the request reached us.",
                max_length=5,
            ),
        ),
    ]
