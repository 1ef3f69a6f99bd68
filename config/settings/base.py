"""Settings shared by every environment; each value that differs comes from the environment."""

from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from redis.exceptions import ConnectionError as RedisConnectionError

from config.env import counts, env_bool, env_database, env_float, env_int, env_json, env_list, env_str
from config.social import social_providers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # Before allauth, so our templates replace its layouts.
    "frontend",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "core",
    "accounts",
    "ideas",
    "voting",
    "notifications",
    "discussion",
    "pipeline",
    "moderation",
    "community",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.csp.ProviderFormActionMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: the visits a browser made through share links become the member's who signs in.
    "community.middleware.ShareVisitsMiddleware",
    "accounts.middleware.ProviderUnreachableMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "frontend.context_processors.site",
                "frontend.context_processors.bell",
                "frontend.context_processors.suspension",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'forum.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Each process's live hub (core/hub.py) has one channel, named "live-hub...", that takes every event of
# the topics the process's sockets watch: it holds a burst of LIVE_HUB_CAPACITY messages before the
# layer drops new ones. The hub adds its memberships again every minute, so they expire in 5 minutes
# only when their process is gone.
LIVE_HUB_CAPACITY = 1000
# With the in-memory layer, the task worker's live events reach the web process through the database
# (core.live.relay_through_database); the web process's hub looks for new ones this often (0: never).
LIVE_RELAY_POLL_SECONDS = 0.1
LIVE_LAYER_OPTIONS = {"channel_capacity": {"live-hub.*": LIVE_HUB_CAPACITY}, "group_expiry": 300}


def redis_channel_layer(url: str) -> dict:
    """The channel layer on the Redis at `url` (the browser tests start one of their own)."""
    return {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # No socket timeout: redis-py's default 5 s equals channels-redis's 5 s blocking pop, so a
        # late answer killed consumers (1011) under load; and with any timeout redis-py sends through
        # asyncio.wait_for, which on Python 3.11 can swallow the cancellation that stops a consumer
        # whose socket closed, leaving it polling Redis forever. Keepalive finds dead peers instead.
        # One retry on a new connection: after an outage, the first command on each pooled
        # connection fails ("Connection closed by server") and would close a socket (4013) for nothing.
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    "socket_timeout": None,
                    "socket_keepalive": True,
                    "socket_connect_timeout": 5,
                    "retry_on_error": [RedisConnectionError],
                }
            ],
            "prefix": env_str("CHANNEL_PREFIX", "idea-forum"),
            **LIVE_LAYER_OPTIONS,
        },
    }


# REDIS_URL switches the embedded defaults (local-memory cache, in-memory channel layer) to Redis,
# which several daphne workers share.
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    # Redis while it answers, this process's memory while it does not (core/cache.py): sign-in and its
    # rate limits keep working through an outage. Short timeouts, so a hung Redis does not hang requests.
    CACHES = {
        "default": {
            "BACKEND": "core.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1, "RETRY_SECONDS": 5},
        }
    }
    CHANNEL_LAYERS = {"default": redis_channel_layer(REDIS_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "core.layers.InMemoryChannelLayer", "CONFIG": LIVE_LAYER_OPTIONS}}

# Background work (django-tasks) on the database the forum already uses: a task is a row written in
# the transaction of the write that enqueues it, so it exists exactly when that write committed.
# `manage.py db_worker` runs them (the README's run command starts one beside daphne).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

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
LOGIN_REDIRECT_URL = "idea_list"

# allauth: e-mail is the login; social providers are added as apps (settings or admin) later,
# which needs no migration of ours.
ACCOUNT_ADAPTER = "accounts.account_adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
# Sign-up never tells whether an address has an account: every sign-up ends on "check your e-mail", and
# the owner of a taken address gets an e-mail saying so (accounts/signup.py).
# A password reset goes through accounts.services.password_reset (accounts/reset.py).
ACCOUNT_FORMS = {
    "signup": "accounts.signup.SignupForm",
    "reset_password_from_key": "accounts.reset.ResetPasswordKeyForm",
}
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env_str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", "http")
SOCIALACCOUNT_PROVIDERS = social_providers()
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Idea Forum <noreply@localhost>")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds: a stalled SMTP server holds up one worker, not forever
# Where the forum is reached, for the links of e-mails sent by the worker (no request to ask).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The domain of the Message-IDs of notification e-mails.
EMAIL_MESSAGE_DOMAIN = env_str("EMAIL_MESSAGE_DOMAIN", "idea-forum.localhost")
# Digests go out at this local hour (the member's time zone, else TIME_ZONE); weekly ones on this
# weekday (0 = Monday).
DIGEST_HOUR = env_int("DIGEST_HOUR", 8, minimum=0, maximum=23)
DIGEST_WEEKDAY = env_int("DIGEST_WEEKDAY", 0, minimum=0, maximum=6)

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("da", _("Danish")),
    ("nb", _("Norwegian Bokmål")),
    ("sv", _("Swedish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# An API token works this many days after it is made; then 401 with the code token_expired.
API_TOKEN_LIFETIME_DAYS = env_int("API_TOKEN_LIFETIME_DAYS", 90)

# Writes per member, on pages and in the API alike (core/ratelimit.py, allauth's rate syntax); {} turns
# them off. API_WRITE_RATE throttles every unsafe API request of a member (DRF's syntax; empty: off).
WRITE_RATE_LIMITS = env_json(
    "WRITE_RATE_LIMITS",
    {
        "idea_submit": "10/m/user",
        "idea_edit": "30/m/user",
        "idea_delete": "30/m/user",
        "vote": "60/m/user",
        "idea_follow": "60/m/user",
        "comment_post": "20/m/user",
        "comment_edit": "30/m/user",
        "comment_delete": "30/m/user",
        "preview": "60/m/user",
        "idea_transition": "60/m/user",
        "internal_note": "30/m/user",
        "flag": "30/m/user",
        "appeal": "10/m/user",
        "moderate": "120/m/user",
        "share": "30/m/user",
    },
)

# Moderation (PRODUCT section 6; moderation.services reads these). A target is hidden pending review when
# its open flags weigh FLAG_HIDE_WEIGHT: a member's flag weighs 1, a member with a good record (at least
# FLAG_GOOD_UPHELD upheld and at most FLAG_GOOD_MAX_DISMISSED_PERCENT dismissed) 2, moderators and staff 3.
FLAG_HIDE_WEIGHT = env_int("FLAG_HIDE_WEIGHT", 3, minimum=1)
FLAG_GOOD_UPHELD = env_int("FLAG_GOOD_UPHELD", 5, minimum=1)
FLAG_GOOD_MAX_DISMISSED_PERCENT = env_int("FLAG_GOOD_MAX_DISMISSED_PERCENT", 20, minimum=0, maximum=100)
# A member whose flag was dismissed flags the same target again only after this many hours.
FLAG_AGAIN_AFTER_HOURS = env_int("FLAG_AGAIN_AFTER_HOURS", 24, minimum=0)
# A member's suspensions, in days: the first lasts the first, each later one the next (the last repeats).
SUSPENSION_DAYS = env_json(
    "SUSPENSION_DAYS",
    [1, 3, 7, 30],
    valid=lambda days: isinstance(days, list) and days and all(type(d) is int and 0 < d <= 3650 for d in days),
    shape="a JSON list of whole days from 1 to 3650, such as [1, 3, 7, 30]",
)
# New accounts: in their first NEW_ACCOUNT_HOURS, at most so many ideas and comments, and links per post.
NEW_ACCOUNT_HOURS = env_int("NEW_ACCOUNT_HOURS", 24, minimum=0)
NEW_ACCOUNT_LIMITS = env_json(
    "NEW_ACCOUNT_LIMITS",
    {"ideas": 3, "comments": 10, "links": 2},
    valid=lambda limits: counts(limits, ["ideas", "comments", "links"]),
    shape='a JSON object of whole numbers, such as {"ideas": 3, "comments": 10, "links": 2}',
)
# Early warning (moderation/warning.py explains the method): each hour's count of flags, downvotes and new
# comments, per idea and site-wide, against its exponentially weighted baseline (weight ALPHA for the newest
# hour); a spike is at least MIN_COUNT and more than K deviations above the mean. Nothing alerts until the
# site's series have WARMUP_HOURS of history; missed hours are caught up, CATCH_UP_HOURS at most.
EARLY_WARNING_ALPHA = env_float("EARLY_WARNING_ALPHA", 0.1, above=0, at_most=1)
EARLY_WARNING_K = env_float("EARLY_WARNING_K", 4, above=0)
EARLY_WARNING_WARMUP_HOURS = env_int("EARLY_WARNING_WARMUP_HOURS", 24, minimum=0)
EARLY_WARNING_CATCH_UP_HOURS = env_int("EARLY_WARNING_CATCH_UP_HOURS", 24, minimum=1)
EARLY_WARNING_MIN_COUNT = env_json(
    "EARLY_WARNING_MIN_COUNT",
    {"idea": {"flags": 3, "downvotes": 10, "comments": 10}, "site": {"flags": 10, "downvotes": 50, "comments": 50}},
    valid=lambda scopes: (
        isinstance(scopes, dict)
        and set(scopes) == {"idea", "site"}
        and all(counts(series, ["flags", "downvotes", "comments"], minimum=1) for series in scopes.values())
    ),
    shape='{"idea": {"flags": n, "downvotes": n, "comments": n}, "site": {...}} with whole numbers of at least 1',
)
# Community points (community/points.py): what each rewarded action earns. Reversals take back what was earned.
POINTS_RULES = [
    "idea_submitted",
    "upvote_received",
    "comment_posted",
    "official_response",
    "idea_reviewed",
    "idea_coming_soon",
    "idea_launched",
    "flag_upheld",
    "share_signup",
    "share_vote",
]
POINTS = env_json(
    "POINTS",
    {
        "idea_submitted": 5,
        "upvote_received": 10,
        "comment_posted": 2,
        "official_response": 15,
        "idea_reviewed": 25,
        "idea_coming_soon": 50,
        "idea_launched": 200,
        "flag_upheld": 5,
        "share_signup": 20,
        "share_vote": 3,
    },
    valid=lambda points: counts(points, POINTS_RULES),
    shape="a JSON object of whole numbers for " + ", ".join(POINTS_RULES),
)
# Share links (community/shares.py): a vote counts for the share a member came through within these hours.
SHARE_VOTE_HOURS = env_int("SHARE_VOTE_HOURS", 24, minimum=1)
# Badges (community/badges.py): how many of a thing earn each badge that counts.
BADGE_THRESHOLD_RULES = ["hundred_upvotes", "helpful_flagger", "great_sharer", "conversation_starter", "supporter"]
BADGE_THRESHOLDS = env_json(
    "BADGE_THRESHOLDS",
    {"hundred_upvotes": 100, "helpful_flagger": 5, "great_sharer": 5, "conversation_starter": 10, "supporter": 25},
    valid=lambda thresholds: counts(thresholds, BADGE_THRESHOLD_RULES, minimum=1),
    shape="a JSON object of whole numbers of at least 1 for " + ", ".join(BADGE_THRESHOLD_RULES),
)
API_WRITE_RATE = env_str("API_WRITE_RATE", "120/min") or None

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so a request without credentials gets 401 with a WWW-Authenticate header.
        "accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Every unsafe request of a member, whatever the endpoint; reads are not throttled.
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.MemberWriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {"writes": API_WRITE_RATE},
    "DEFAULT_SCHEMA_CLASS": "core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["core.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Idea Forum API",
    "DESCRIPTION": "Propose ideas, vote, discuss, and follow them from proposal to launch.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for the statuses, whichever field carries them (status, from_status, to_status, moves).
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "ideas.models.Status",
        "TargetKindEnum": "moderation.models.TargetKind",
        "FlagStatusEnum": "moderation.models.FlagStatus",
        "CaseStatusEnum": "moderation.models.CaseStatus",
        "AppealStatusEnum": "moderation.models.AppealStatus",
        "ActionKindEnum": "moderation.models.ActionKind",
        "LogActionEnum": "moderation.selectors.LOG_ACTIONS",
    },
}

# A Content Security Policy with no inline script: if the sanitiser ever misses something,
# the browser still runs nothing that did not come from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "https:", "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        # Forms post only here. Chromium applies this to the redirect after a post as well, so the page
        # that sends a member on to a sign-in provider adds that provider (accounts/csp.py).
        "form-action": [SELF],
    },
}
# Browser features no page here uses (core/middleware.py).
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
        "hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb", "xr-spatial-tracking",
    ]
}  # fmt: skip

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

SITE_NAME = env_str("SITE_NAME", "Idea Forum")
