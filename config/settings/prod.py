"""Production: settings from the environment, secure cookies, HTTPS assumed behind a proxy."""

from config.env import env_bool
from config.settings.base import *  # noqa: F403

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
