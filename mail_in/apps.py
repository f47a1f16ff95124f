from django.apps import AppConfig


class MailInConfig(AppConfig):
    name = "mail_in"
    verbose_name = "Incoming mail"
