"""Each sign-up keeps what was typed with its own confirmation link (PoolSignup).

The links already sent keep working: each waiting sign-up (an unconfirmed record, or a return
kept in pending_details) becomes a PoolSignup with the record's confirmation token. An
unconfirmed record then holds nothing typed: its details are the sign-up's, until confirmed.
"""

import django.db.models.deletion
import django.utils.timezone
import volunteers.models
from django.db import migrations, models


def waiting_sign_ups(apps, schema_editor):
    PoolMember = apps.get_model("volunteers", "PoolMember")
    PoolSignup = apps.get_model("volunteers", "PoolSignup")
    waiting = PoolMember.objects.filter(confirmed_at=None) | PoolMember.objects.exclude(
        pending_details={}
    )
    for member in waiting.prefetch_related("interests").iterator(chunk_size=500):
        typed = member.pending_details or {
            "name": member.name,
            "skills": member.skills,
            "consent_text": member.consent_text,
            "frequency": member.frequency,
            "interests": [area.code for area in member.interests.all()],
        }
        PoolSignup.objects.create(
            member=member,
            token=member.confirm_token,
            name=typed["name"],
            skills=typed["skills"],
            consent_text=typed["consent_text"],
            frequency=typed.get("frequency", member.frequency),
            areas=sorted(typed["interests"]),
            created_at=member.confirmation_sent_at,
        )
        if member.confirmed_at is None:
            member.name, member.skills, member.consent_text = "", "", ""
            member.save(update_fields=["name", "skills", "consent_text"])
            member.interests.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0008_announcement_subject_one_line"),
    ]

    operations = [
        migrations.CreateModel(
            name="PoolSignup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "token",
                    models.CharField(
                        default=volunteers.models.new_token, max_length=64, unique=True
                    ),
                ),
                ("name", models.CharField(max_length=150)),
                ("skills", models.TextField(blank=True)),
                (
                    "frequency",
                    models.CharField(
                        choices=[
                            ("instant", "Each new role in my areas, as it opens"),
                            ("weekly", "A weekly summary of new roles in my areas"),
                            ("announcements", "Only the PSF's announcements"),
                        ],
                        max_length=15,
                    ),
                ),
                ("consent_text", models.TextField()),
                (
                    "areas",
                    models.JSONField(default=list, help_text="The codes of the areas chosen."),
                ),
                (
                    "created_at",
                    models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                ),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="signups",
                        to="volunteers.poolmember",
                    ),
                ),
            ],
            options={
                "verbose_name": "pool sign-up",
                "ordering": ["-created_at"],
            },
        ),
        migrations.RunPython(waiting_sign_ups, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="poolmember",
            name="confirm_token",
        ),
        migrations.RemoveField(
            model_name="poolmember",
            name="pending_details",
        ),
    ]
