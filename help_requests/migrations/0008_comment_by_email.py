from django.db import migrations, models

from common.db import AddFieldInPlace


class Migration(migrations.Migration):
    dependencies = [
        ("help_requests", "0007_help_request_source"),
    ]

    operations = [
        AddFieldInPlace(  # SQLite: see common.db
            model_name="comment",
            name="by_email",
            field=models.BooleanField(
                default=False,
                help_text="The submitter's reply came by e-mail (help_requests/mail.py).",
            ),
        ),
    ]
