"""Settings read from ``LMS_*`` environment variables, with safe defaults for embedded mode."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{name} must be a whole number, got {raw!r}") from exc


def _list(value: str | None, default: str) -> list[str]:
    raw = value if value is not None and value.strip() else default
    return [item.strip().lower().lstrip(".") for item in raw.split(",") if item.strip()]


def _secret_key(instance_path: Path) -> str:
    """Return LMS_SECRET_KEY, or a key generated once into the instance folder."""
    configured = os.environ.get("LMS_SECRET_KEY")
    if configured:
        return configured
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict:
    """Build the Flask configuration from the environment."""
    env = os.environ.get
    database_url = env("LMS_DATABASE_URL") or f"sqlite:///{instance_path / 'lms.sqlite3'}"
    redis_url = env("LMS_REDIS_URL") or ""
    base_url = (env("LMS_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # A server database: test each pooled connection before use (a restarted database is
        # reconnected to without restarting the app) and give up connecting after a few seconds.
        "SQLALCHEMY_ENGINE_OPTIONS": {} if database_url.startswith("sqlite") else {
            "pool_pre_ping": True,
            "connect_args": {"connect_timeout": _int("LMS_DATABASE_CONNECT_TIMEOUT", 3)}},
        "LMS_BASE_URL": base_url,
        # Shared state of several app servers: the task queue, rate-limit counters, sessions.
        "LMS_REDIS_URL": redis_url,
        # Where tasks wait: a SQLite file of the instance (embedded), Redis, or run at once
        # in the process that enqueues them (tests).
        "LMS_TASK_QUEUE": env("LMS_TASK_QUEUE") or ("redis" if redis_url else "sqlite"),
        "LMS_TASK_QUEUE_FILE": env("LMS_TASK_QUEUE_FILE") or str(instance_path / "tasks.sqlite3"),
        "LMS_CONTENT_DIR": env("LMS_CONTENT_DIR") or str(PROJECT_ROOT / "content"),
        "LMS_TRANSLATIONS_DIR": env("LMS_TRANSLATIONS_DIR") or str(PROJECT_ROOT / "translations"),
        "LMS_DEFAULT_LANGUAGE": env("LMS_DEFAULT_LANGUAGE") or "en",
        # Overrides of the languages read before English (lms.core.i18n.CLOSE_LANGUAGES).
        "LMS_LANGUAGE_CHAINS": env("LMS_LANGUAGE_CHAINS") or "",
        "LMS_DEMO_ACCOUNTS": _bool(env("LMS_DEMO_ACCOUNTS"), default=database_url.startswith("sqlite")),
        "LMS_REGISTRATION_OPEN": _bool(env("LMS_REGISTRATION_OPEN"), default=True),
        "LMS_PASSWORD_RESET_MAX_AGE": _int("LMS_PASSWORD_RESET_MAX_AGE", 3 * 24 * 3600),
        "LMS_UPLOAD_MAX_MB": _int("LMS_UPLOAD_MAX_MB", 10),
        # Attachment types accepted, checked against the file's content, not only its name.
        "LMS_UPLOAD_TYPES": _list(env("LMS_UPLOAD_TYPES"), "pdf,docx,odt,txt,png,jpg"),
        # Quizzes: the largest question file an import accepts; seconds of network slack
        # after an attempt's deadline before its answers are refused.
        "LMS_QUESTION_IMPORT_MAX_MB": _int("LMS_QUESTION_IMPORT_MAX_MB", 10),
        "LMS_QUIZ_GRACE_SECONDS": _int("LMS_QUIZ_GRACE_SECONDS", 5),
        "LMS_BEHIND_SCHEDULE_DAYS": _int("LMS_BEHIND_SCHEDULE_DAYS", 14),
        "LMS_REPORT_MIN_GROUP": _int("LMS_REPORT_MIN_GROUP", 5),
        # PostgreSQL: memory each sort or hash of a statistics query may use before spilling
        # to disk (SET LOCAL work_mem, for the report's transaction only).
        "LMS_REPORT_WORK_MEM": env("LMS_REPORT_WORK_MEM") or "32MB",
        # The overview's figures, tables and charts are kept per app server until a write changes
        # the data (lms.core.data_version), for this many seconds at most (0: never kept), and
        # this many pages (scope × filters × language) at most.
        "LMS_REPORT_CACHE_SECONDS": _int("LMS_REPORT_CACHE_SECONDS", 600),
        "LMS_REPORT_CACHE_ENTRIES": _int("LMS_REPORT_CACHE_ENTRIES", 64),
        "LMS_PROXY_FIX": _int("LMS_PROXY_FIX", 0),
        # Responses gzip-compressed for clients that accept it (0 turns it off; 1–9 the level).
        "LMS_COMPRESS_LEVEL": _int("LMS_COMPRESS_LEVEL", 6),
        # How long a browser keeps a static file named with its content's fingerprint.
        "LMS_STATIC_MAX_AGE": _int("LMS_STATIC_MAX_AGE", 365 * 24 * 3600),
        # Certificates: who issues them (printed on the PDF and published as the Open Badges
        # issuer), where rendered PDFs are cached, and how hard public verification may be hit.
        "LMS_ISSUER_NAME": env("LMS_ISSUER_NAME") or "HELP courses",
        "LMS_ISSUER_URL": (env("LMS_ISSUER_URL") or "").rstrip("/"),
        "LMS_ISSUER_EMAIL": env("LMS_ISSUER_EMAIL") or "",
        "LMS_CERTIFICATE_CACHE_DIR": env("LMS_CERTIFICATE_CACHE_DIR") or str(instance_path / "certificates"),
        # Every look-up of a verification code, and (much stricter) look-ups of unknown codes.
        "LMS_VERIFY_RATE_LIMIT": env("LMS_VERIFY_RATE_LIMIT") or "60 per minute;1000 per day",
        "LMS_VERIFY_MISS_LIMIT": env("LMS_VERIFY_MISS_LIMIT") or "10 per minute;50 per hour;200 per day",
        # Mail: with no server configured, messages are written to the log.
        "LMS_MAIL_SERVER": env("LMS_MAIL_SERVER") or "",
        "LMS_MAIL_PORT": _int("LMS_MAIL_PORT", 25),
        "LMS_MAIL_USERNAME": env("LMS_MAIL_USERNAME") or "",
        "LMS_MAIL_PASSWORD": env("LMS_MAIL_PASSWORD") or "",
        "LMS_MAIL_USE_TLS": _bool(env("LMS_MAIL_USE_TLS")),
        "LMS_MAIL_USE_SSL": _bool(env("LMS_MAIL_USE_SSL")),
        "LMS_MAIL_SENDER": env("LMS_MAIL_SENDER") or "HELP courses <no-reply@localhost>",
        "LMS_MAIL_TIMEOUT": _int("LMS_MAIL_TIMEOUT", 10),
        # The right-hand side of Message-IDs: the site's host name.
        "LMS_MAIL_DOMAIN": env("LMS_MAIL_DOMAIN") or (base_url.split("://")[-1].split("/")[0].split(":")[0]
                                                      or "localhost"),
        # Password hashing cost (argon2); tests lower it.
        "LMS_ARGON2_TIME_COST": _int("LMS_ARGON2_TIME_COST", 3),
        "LMS_ARGON2_MEMORY_KIB": _int("LMS_ARGON2_MEMORY_KIB", 65536),
        # Rate limits are shared between workers through Redis in production.
        "RATELIMIT_STORAGE_URI": env("LMS_RATELIMIT_STORAGE_URL") or redis_url or "memory://",
        "RATELIMIT_ENABLED": _bool(env("LMS_RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Per account, whatever address the attempts come from (several app servers share
        # the counters through Redis); the owner is e-mailed when an account is locked out.
        "LMS_SIGNIN_ACCOUNT_LIMIT": env("LMS_SIGNIN_ACCOUNT_LIMIT") or "10 per 15 minutes;30 per day",
        "LMS_RESET_ACCOUNT_LIMIT": env("LMS_RESET_ACCOUNT_LIMIT") or "3 per hour;10 per day",
        "SESSION_COOKIE_SECURE": _bool(env("LMS_SESSION_COOKIE_SECURE")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Signed-in sessions are rows on the server (lms.accounts.operations.sessions): the
        # longest one lasts (remember-me included), and how often its last-seen time is written.
        "LMS_SESSION_DAYS": _int("LMS_SESSION_DAYS", 30),
        "LMS_SESSION_SEEN_MINUTES": _int("LMS_SESSION_SEEN_MINUTES", 5),
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int("LMS_SESSION_DAYS", 30)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _bool(env("LMS_SESSION_COOKIE_SECURE")),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Personal API tokens expire after this many days unless their owner chooses otherwise.
        "LMS_API_TOKEN_DAYS": _int("LMS_API_TOKEN_DAYS", 90),
        # The input gate (lms.core.input_gate): the longest text field, the deepest and the
        # largest JSON body, all refused before anything is parsed into the application.
        "LMS_TEXT_MAX_CHARS": _int("LMS_TEXT_MAX_CHARS", 100_000),
        "LMS_JSON_MAX_DEPTH": _int("LMS_JSON_MAX_DEPTH", 32),
        "LMS_JSON_MAX_KB": _int("LMS_JSON_MAX_KB", 1024),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": _int("LMS_MAX_REQUEST_MB", 60) * 1024 * 1024,
        # flask-smorest / OpenAPI
        "API_TITLE": "HELP course platform API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
