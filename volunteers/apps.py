from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = "Volunteers"

    def ready(self) -> None:
        # The tasks module registers the tasks with Celery in every process (services queue the
        # mailing's batches by name).
        from . import tasks  # noqa: F401
        from .cache import roles_changed
        from .models import Area, Role, RoleInterest

        # An interest counts on its role's page ("who holds it now").
        for model in (Role, Area, RoleInterest):
            post_save.connect(roles_changed, sender=model, dispatch_uid=f"roles-{model.__name__}")
            post_delete.connect(roles_changed, sender=model, dispatch_uid=f"roles-{model.__name__}")
