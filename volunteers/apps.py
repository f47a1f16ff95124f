from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        # The tasks module registers the tasks with Celery in every process (services queue the
        # mailing's batches by name).
        from mail_in.extensions import on_bounce

        from . import tasks  # noqa: F401
        from .cache import roles_changed
        from .models import Area, Role, RoleInterest
        from .services import pool_address_bounced

        # A bounce read from psf@ suppresses the pool member with that address (mail_in).
        on_bounce(pool_address_bounced)

        # An interest counts on its role's page ("who holds it now").
        for model in (Role, Area, RoleInterest):
            post_save.connect(roles_changed, sender=model, dispatch_uid=f"roles-{model.__name__}")
            post_delete.connect(roles_changed, sender=model, dispatch_uid=f"roles-{model.__name__}")
