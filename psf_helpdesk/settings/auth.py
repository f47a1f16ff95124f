"""People and sign-in: the user model, django-allauth, MFA and staff sessions (base.py imports
this module; the reasons are in docs/architecture.md, "Where each rule lives")."""

import environ

env = environ.Env()

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/me/"  # the adapter sends staff to the admin
ACCOUNT_SIGNUP_REDIRECT_URL = LOGIN_REDIRECT_URL

# django-allauth. E-mail is the login, every address is verified before use, and the library's
# protections (rate limits, no account enumeration) cover the admin too: /admin/login/ hands over
# to allauth's login (psf_helpdesk/urls.py).
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False  # mail scanners follow links; a button confirms
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True  # confirming from the sign-up browser signs you in
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True  # "e-mail me a sign-in code"; MFA still follows for staff
ACCOUNT_SESSION_REMEMBER = None  # people choose "keep me signed in"; staff sessions are capped
ACCOUNT_EMAIL_NOTIFICATIONS = True  # password, e-mail and MFA changes are reported by e-mail
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # stay signed in here; other sessions end
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}  # allauth's default, stated
# A new staff member types their password once: choosing it from the welcome e-mail signs them
# in, and MFA set-up right after takes that sign-in as the password check (AccountAdapter).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True

MFA_ADAPTER = "accounts.adapters.MFAAdapter"
# A security key (WebAuthn) is the second choice; recovery codes are the way back in.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "PSF Helpdesk"

# Staff must have a second factor and have used it this session before any page but /accounts/.
# Turn it off only for a quick local look: the admin then shows a banner.
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=True)
# Staff sessions end after this long idle, and this long after sign-in whatever happens.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=60 * 60)
STAFF_SESSION_MAX_SECONDS = env.int("STAFF_SESSION_MAX_SECONDS", default=12 * 60 * 60)
