"""Configuration defaults; every key can be overridden by a PORTAL_* environment variable."""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from portal.policy import DEFAULT_AT_RISK_SHARE


def load_secret_key(instance_path: str) -> str:
    """Read the instance's secret key, generating it once on first start."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting together must not each write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
    return path.read_text().strip()


@functools.lru_cache(maxsize=8)
def default_trusted_hosts(base_url: str) -> tuple[str, ...]:
    """The host names the app answers for unless TRUSTED_HOSTS says otherwise: BASE_URL's
    host, and the loopback names a developer or a local health check uses. (Asked on every
    request, so kept per BASE_URL.)"""
    host = urlsplit(str(base_url)).hostname
    return tuple(dict.fromkeys([name for name in (host, "localhost", "127.0.0.1") if name]))


def defaults(instance_path: str) -> dict[str, object]:
    """The settings `make run` needs, rooted in the instance folder."""
    instance = Path(instance_path)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'portal.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "INDEX_DIR": str(instance / "index"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "MAIL_DIR": str(instance / "mail"),
        "MAX_CONTENT_LENGTH": 50 * 1024 * 1024,
        "MAIL_BACKEND": "file",
        "MAIL_SERVER": "localhost",
        "MAIL_PORT": 25,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_USE_TLS": False,
        "MAIL_TIMEOUT": 30,
        "MAIL_SENDER": "Contoso Virtualisation Support <support@support.example.com>",
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_ACCOUNT": "5 per minute;20 per hour",
        "LOGIN_LIMIT_PER_ADDRESS": "20 per minute;200 per hour",
        # Failed log-ins per account and address (form and API alike): this many are free,
        # then each waits twice as long as the last, from LOGIN_LOCK_SECONDS up to the max.
        "LOGIN_FREE_ATTEMPTS": 5,
        "LOGIN_LOCK_SECONDS": 30,
        "LOGIN_LOCK_MAX_SECONDS": 3600,
        # Ratings of KB articles by readers without an account, per address.
        "KB_ANONYMOUS_RATINGS_PER_ADDRESS": "10 per hour;30 per day",
        # The largest JSON body the API reads (uploads are multipart and have their own limit).
        "MAX_JSON_BYTES": 2 * 1024 * 1024,
        "PASSWORD_RESET_MAX_AGE": 3600,
        "API_TOKEN_DAYS": 30,
        "REMEMBER_COOKIE_DURATION": 14 * 24 * 3600,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "JOBS_POLL_SECONDS": 5,
        "JOBS_LEASE_SECONDS": 600,  # a running job's claim; past it the job is run again
        # A case waiting for its first reply is "at risk" once less than this share of its
        # target's business time is left (read by portal.cases.standing.at_risk_share).
        "SLA_AT_RISK_SHARE": DEFAULT_AT_RISK_SHARE,
        "BASE_URL": "http://127.0.0.1:5000",
        # How many reverse proxies stand in front of the app and set X-Forwarded-For and
        # X-Forwarded-Proto: 0 trusts no such header (portal.security_headers).
        "PROXY_HOPS": 0,
        # Customer-visible actions on one case within this many seconds go out as one mail
        # (0 sends each at once); staff alerts about one case are coalesced the same way.
        "MAIL_COALESCE_SECONDS": 120,
        # Received mail: the largest message taken in, and the IMAP mailbox `mail fetch` reads.
        "MAIL_MAX_MESSAGE_BYTES": 30 * 1024 * 1024,
        "MAIL_IMAP_HOST": None,
        "MAIL_IMAP_PORT": 993,
        "MAIL_IMAP_USERNAME": None,
        "MAIL_IMAP_PASSWORD": None,
        "MAIL_IMAP_FOLDER": "INBOX",
        "MAIL_IMAP_USE_TLS": True,
        "MAIL_FETCH_SECONDS": 60,
        # Whether mail tells people they can answer by replying: None means "when IMAP is
        # set"; set true when an MTA pipes mail to `flask mail receive`.
        "MAIL_REPLIES_ENABLED": None,
        # Answers by mail to a Support Administrator's mail that matches no case, per day.
        "MAIL_ANSWERS_PER_SENDER_PER_DAY": 3,
        # The vendor's identity is configuration, not code (SPEC §9); its products are records
        # (portal/products).
        "VENDOR_NAME": "Contoso Virtualisation",
        # The largest KB article body, in characters (imports, the editor and the API).
        "KB_MAX_ARTICLE_CHARS": 200_000,
        # Anonymous readers share one render of each public page for this long at most;
        # a change committed in this process drops it at once (portal/reader_cache.py).
        "READER_CACHE_SECONDS": 2,
        # Article readings are added up in memory and written this often (0: at once).
        "KB_VIEW_FLUSH_SECONDS": 5,
        # Searches, opened results and filed cases reach the search log this often (0: at
        # once, in the request's own transaction; portal/kb/search_log.py).
        "SEARCH_LOG_FLUSH_SECONDS": 1,
        "GOLD_SUPPORT_PHONE": "+1 800 555 0142",
        "SALES_EMAIL": "sales@support.example.com",
        "SUPPORT_EMAIL": "support@support.example.com",
    }
