from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and sign-in"

    def ready(self) -> None:
        from allauth.account.signals import password_changed, password_reset, password_set
        from allauth.mfa.models import Authenticator
        from allauth.mfa.signals import (
            authentication_failed,
            authenticator_added,
            authenticator_removed,
        )
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_delete, post_save

        from . import signals

        user_logged_in.connect(signals.on_user_logged_in, dispatch_uid="accounts.logged_in")
        user_login_failed.connect(signals.on_user_login_failed, dispatch_uid="accounts.failed")
        authentication_failed.connect(signals.on_mfa_failed, dispatch_uid="accounts.mfa_failed")
        post_save.connect(signals.on_authenticator_saved, sender=Authenticator)
        post_delete.connect(signals.on_authenticator_deleted, sender=Authenticator)
        authenticator_added.connect(signals.on_authenticator_added)
        for changed in (authenticator_removed, password_changed, password_set, password_reset):
            changed.connect(signals.on_credentials_changed)
