# Trigram indexes for the admin's search (HelpRequest.SEARCH_FIELDS), on PostgreSQL only.

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models
from django.db.models.functions import Cast, Upper

from common.db import AddIndexOnPostgres

FIELDS = ("reference", "title", "name", "email", "description", "organisation")


def search_index(field: str) -> GinIndex:
    expression = Upper(Cast(field, models.TextField()))
    return GinIndex(OpClass(expression, name="gin_trgm_ops"), name=f"hr_search_{field}")


class Migration(migrations.Migration):
    dependencies = [
        ("help_requests", "0005_canned_replies_to_start_with"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        TrigramExtension(),  # pg_trgm: a trusted extension the database owner may create
        *(
            AddIndexOnPostgres(model_name="helprequest", index=search_index(field))
            for field in FIELDS
        ),
    ]
