from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Registers the tasks with Celery in every process: services queue them by name.
        from . import tasks  # noqa: F401
