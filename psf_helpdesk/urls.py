from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import admin_signed_in, remove_security_key
from help_requests.urls import files_patterns

from . import views

# One way into the admin: allauth's sign-in, with its rate limits and MFA (docs/architecture.md,
# "Where each rule lives").
admin.site.login = secure_admin_login(admin_signed_in)  # type: ignore[method-assign]

admin.site.site_header = "PSF Helpdesk staff"
admin.site.site_title = "PSF Helpdesk staff"
admin.site.index_title = "Triage"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon),
    path("help/", include("help_requests.urls")),
    path("files/", include(files_patterns)),
    path("", include("volunteers.urls")),
    # Staff keep their last second factor: this guards allauth's own "remove security key".
    path(
        "accounts/2fa/webauthn/keys/<int:pk>/remove/",
        remove_security_key,
        name="mfa_remove_webauthn",
    ),
    path("accounts/", include("allauth.urls")),
    path("me/", views.me, name="me"),
    path("privacy/", include("privacy.urls")),
    path("mail/", include("mail_in.urls")),  # the HTTP door for incoming mail
    # Passwords change in one place, allauth's, which notifies the person and ends other sessions.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="account_change_password"),
    ),
    path("admin/", admin.site.urls),
]
