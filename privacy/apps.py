from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        # django.contrib.admin comes first in INSTALLED_APPS: every admin module is loaded.
        from django.contrib import admin

        from .admin import erasure_attach

        erasure_attach(site=admin.site)
