from django.apps import AppConfig


class HelpRequestsConfig(AppConfig):
    name = "help_requests"
    verbose_name = "Help requests"
