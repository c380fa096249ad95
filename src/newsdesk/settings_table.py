"""Every environment variable Newsdesk reads: its name, default and meaning, in one table.

settings.py (and the few commands that read their own defaults, like `run --port`) read
the environment only through `env(NAME)`, which takes the default from this table and
refuses a name that is not in it. The configuration tables of README.md, docs/deploy.md
and docs/newsletter.md are generated from it:

    scripts/settings-table            # print the whole table (Markdown)
    scripts/settings-table --write    # rewrite the generated tables in the docs

tests/test_settings_table.py fails when a document and the table differ, when code reads
a variable the table lacks, or when the table lists one nothing reads.
"""

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

UNSET = None  # a default computed in settings.py from other settings; `shown` says how


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    kind: str  # text, int, bool, list (comma-separated), limit (COUNT/SECONDS)
    default: object
    meaning: str
    shown: str = ""  # the default as the docs word it, when the value alone does not say it
    group: str = ""


def _group(title: str, *settings: Setting) -> list[Setting]:
    return [
        Setting(s.name, s.kind, s.default, s.meaning, s.shown, title) for s in settings
    ]


S = Setting
SITE = "the site"
NEWSLETTER = "newsletter"
TESTS = "set by the test suite"

SETTINGS: tuple[Setting, ...] = (
    *_group(
        SITE,
        S("DATABASE_URL", "text", "",
          "e.g. `postgresql://user@db.example/newsdesk` for production",
          "SQLite file `var/newsdesk.sqlite3` (WAL mode)"),
        S("SECRET_KEY", "text", "",
          "required from the environment with PostgreSQL, since several machines must "
          "share it (it signs the links in every mail sent)",
          "generated once into `var/secret_key`"),
        S("NEWSDESK_BASE_URL", "text", "http://127.0.0.1:8000",
          "the public address used in mails, feeds, sitemaps and WebSub callbacks",
          "`http://127.0.0.1:8000` (`run` sets it from `--host`/`--port`)"),
        S("ALLOWED_HOSTS", "list", UNSET, "comma-separated host names the site answers to",
          "the base URL's host, 127.0.0.1, localhost, [::1]"),
        S("CSRF_TRUSTED_ORIGINS", "list", UNSET, "comma-separated origins", "the base URL"),
        S("NEWSDESK_TRUSTED_PROXIES", "list", [],
          "addresses or networks of your reverse proxies (e.g. `10.0.0.0/24`): only when the "
          "connection comes from one of them are `X-Forwarded-For` and `X-Forwarded-Proto` "
          "believed (by Django and by gunicorn); from any other peer every `X-Forwarded-*` "
          "header is dropped. The proxy must set `X-Forwarded-Proto` itself and append the "
          "client to `X-Forwarded-For`"),
        S("NEWSDESK_SITE_NAME", "text", "Newsdesk",
          "the site's name in page titles, feeds, structured data and mails"),
        S("NEWSDESK_LANGUAGE", "text", "en",
          "the site's default language (`en` or `de`; visitors' browsers choose among both)"),
        S("NEWSDESK_TIME_ZONE", "text", "UTC",
          "the time zone dates are shown in (each subscriber's digests follow the "
          "subscriber's own zone)"),
        S("NEWSDESK_EXCERPT_CHARS", "int", 300,
          "the longest excerpt stored and shown for an article (cut at a sentence boundary)"),
        S("NEWSDESK_VAR_DIR", "text", UNSET,
          "where the embedded default keeps its files (SQLite database, secret key, image "
          "cache, metrics)", "`./var` (`demo`: `./var/demo-PORT`)"),
        S("HOST", "text", "127.0.0.1",
          "the address `newsdesk run`, `serve` and `demo` listen on without `--host`"),
        S("PORT", "int", 8000, "the port `newsdesk run`, `serve` and `demo` listen on "
          "without `--port`"),
        S("NEWSDESK_DEBUG", "bool", False, "Django's debug mode; never in production"),
    ),
    *_group(
        "the guarded HTTP client",
        S("NEWSDESK_FETCH_ALLOW_NETWORKS", "list", [],
          "networks the guarded client may reach although private (the demo and the tests "
          "set `127.0.0.0/8,::1/128`)"),
        S("NEWSDESK_FETCH_RESOLVE", "list", [],
          "`host=address,…` fixed answers for host names (the demo maps the simulator's "
          "publishers)"),
        S("NEWSDESK_FETCH_TIMEOUT", "int", 20, "seconds a fetch may take"),
        S("NEWSDESK_FETCH_MAX_BYTES", "int", 10 * 1024 * 1024,
          "the largest response, after decompression", "10485760 (10 MB)"),
        S("NEWSDESK_FETCH_MAX_REDIRECTS", "int", 5, "redirects followed per fetch"),
        S("NEWSDESK_FETCH_CONCURRENCY", "int", 64,
          "requests in flight on one machine (divided among its worker processes)"),
        S("NEWSDESK_FETCH_PER_HOST", "int", 4, "requests in flight to one host"),
    ),
    *_group(
        "polling and stories",
        S("NEWSDESK_POLL_MIN_SECONDS", "int", 300, "the shortest learnt poll interval"),
        S("NEWSDESK_POLL_MAX_SECONDS", "int", 86400, "the longest learnt poll interval"),
        S("NEWSDESK_POLL_BATCH", "int", 500, "sources per polling task"),
        S("NEWSDESK_POLL_CLAIM_SECONDS", "int", 600,
          "a claimed poll that has not finished by then is given to another worker"),
        S("NEWSDESK_WEBSUB_LEASE_SECONDS", "int", 7 * 24 * 3600,
          "the WebSub lease asked of hubs (renewed an hour before it ends)",
          "604800 (7 days)"),
        S("NEWSDESK_STORY_WINDOW_HOURS", "int", 72,
          "how long a story stays open to new coverage"),
        S("NEWSDESK_STORY_SETTLE_MINUTES", "int", 180,
          "how long a small story (8 articles at most) must go without new coverage before "
          "it is compared with its neighbours again and folded into the story it most likely "
          "belongs to (its URL then redirects)"),
    ),
    *_group(
        "background work and processes",
        S("NEWSDESK_TASK_BACKEND", "text", "django_tasks_db.DatabaseBackend",
          "the `django.tasks` backend (see Scaling out)"),
        S("NEWSDESK_STALLED_SECONDS", "int", 600,
          "entries or articles left waiting this long by a killed worker are queued again, "
          "and task rows it left running are closed as failed"),
        S("NEWSDESK_RESTART_LIMIT", "limit", (5, 300),
          "`newsdesk run`, `worker`, `serve` and `demo` start a dead process again, but give "
          "up (exit status 1) when one dies more than COUNT times within SECONDS"),
        S("WEB_WORKERS", "int", 2,
          "gunicorn worker processes of `newsdesk run` and `newsdesk serve` (each with 4 "
          "threads)"),
    ),
    *_group(
        "caching",
        S("REDIS_URL", "text", "",
          "`redis://host:6379/0` for a shared cache (pages, rate limits, proxied images)",
          "unset: cache in the database"),
        S("NEWSDESK_PAGE_CACHE_SECONDS", "int", 30,
          "how long public pages are cached whole (0 turns it off)"),
        S("NEWSDESK_PAGE_CACHE_LOCAL_SECONDS", "int", 10,
          "how long each web process also keeps a cached page in its own memory, in front of "
          "the shared cache, so a warm page costs no round trip; never past the shared "
          "entry's expiry, so pages are no staler (0 turns it off)"),
        S("NEWSDESK_PAGE_CACHE_LOCAL_MB", "int", 32,
          "memory each web process may use for those copies (least recently used dropped "
          "first)"),
        S("NEWSDESK_PAGE_CACHE_STALE_SECONDS", "int", 10,
          "how long an expired page is kept so that one request renders it anew while the "
          "others are served the old copy (no burst of renderings when pages expire); a page "
          "is at most its lifetime plus one rendering old, plus this only if every rendering "
          "fails (0 turns it off)"),
    ),
    *_group(
        "consent",
        S("NEWSDESK_SERVICES", "text", "",
          "a JSON list of non-essential services (analytics, video, widgets), each with its "
          "purpose, hosts and cookies; declaring one turns the consent manager on",
          "empty: no banner, no third party"),
        S("NEWSDESK_CONSENT_POLICY_VERSION", "text", "",
          "visitors are asked again when it changes", "derived from the declaration"),
    ),
    *_group(
        "staff",
        S("NEWSDESK_ADMIN_PASSWORD", "text", "",
          "the first admin account's password (refused, with the reason, if the password "
          "validators reject it)", "generated and printed once"),
        S("NEWSDESK_ADMIN_LOGIN_LIMIT", "limit", (10, 900),
          "failed admin logins (wrong password or code) for one user name from one client "
          "(an IPv4 address or an IPv6 /64) within that many seconds, after which that pair's "
          "logins are answered 429 for as long, the right password included"),
        S("NEWSDESK_PASSWORD_MIN_LENGTH", "int", 12,
          "the shortest password the admin accepts (Django's validators also refuse common, "
          "all-digit and user-name-like ones)"),
    ),
    *_group(
        "operations: logs, metrics, retention (docs/deploy.md)",
        S("NEWSDESK_LOG_LEVEL", "text", "INFO",
          "the least important log messages written (`DEBUG`, `INFO`, `WARNING`, `ERROR`); "
          "`DEBUG` adds each source's poll, each task's start and end, idle digest runs"),
        S("NEWSDESK_LOG_FORMAT", "text", "plain",
          "`json`: one JSON object per log line (time, level, logger, message, process and "
          "the call's extra fields), requests included"),
        S("NEWSDESK_METRICS_ALLOW_NETWORKS", "list", ["127.0.0.0/8", "::1/128"],
          "networks that may read `/metrics` (behind a proxy: judged by the address the "
          "trusted proxies report); set it empty to leave only the token"),
        S("NEWSDESK_METRICS_TOKEN", "text", "",
          "a bearer token that opens `/metrics` from anywhere (`Authorization: Bearer …`)",
          "unset"),
        S("NEWSDESK_METRICS_DIR", "text", UNSET,
          "where every process of a machine keeps its counts for `/metrics` (one directory "
          "per machine)", "`var/metrics`"),
        S("PROMETHEUS_MULTIPROC_DIR", "text", UNSET,
          "prometheus-client's own name for `NEWSDESK_METRICS_DIR`; wins when both are set",
          "`NEWSDESK_METRICS_DIR`"),
        S("NEWSDESK_RETAIN_TEXT_DAYS", "int", 30,
          "after this, an article's full text is reduced to its excerpt (must exceed the "
          "story window)"),
        S("NEWSDESK_RETAIN_TASKS_DAYS", "int", 1, "how long finished task rows are kept"),
        S("NEWSDESK_RETAIN_FAILED_TASKS_DAYS", "int", 7, "how long failed task rows are kept"),
        S("NEWSDESK_RETAIN_DELIVERIES_DAYS", "int", 14,
          "how long the delivery log is kept (more than 7)"),
        S("NEWSDESK_RETAIN_LOGS_DAYS", "int", 30,
          "how long bounce and complaint records and outbox messages are kept"),
    ),
    *_group(
        "mail",
        S("EMAIL_URL", "text", "",
          "`smtp://user:pass@host:587?starttls=tls`, `smtps://…:465`",
          "unset: mail is kept in the database outbox"),
        S("NEWSDESK_FROM_EMAIL", "text", UNSET, "sender of confirmation mails and digests",
          "`Newsdesk <newsdesk@HOST>` (HOST: the base URL's)"),
        S("NEWSDESK_DIGEST_HOUR", "int", 7,
          "the local hour new subscribers' digests are sent at (each can choose another)"),
    ),
    *_group(
        NEWSLETTER,
        S("NEWSDESK_FIRST_DIGEST_DELAY", "int", 600,
          "seconds a new subscriber's first digest waits for the choices of the confirmed "
          "page (saving them sends it at once)"),
        S("NEWSDESK_DIGEST_MAX_STORIES", "int", 20, "stories per digest"),
        S("NEWSDESK_BREAKING_PUBLISHERS", "int", 5,
          "distinct publishers at which a story is mailed as a breaking alert to subscribers "
          "who turned alerts on (0 turns alerts off)"),
        S("NEWSDESK_CONFIRM_MAX_AGE", "int", 3 * 24 * 3600,
          "confirm links expire after this many seconds", "259200 (3 days)"),
        S("NEWSDESK_PREFERENCES_MAX_AGE", "int", 60 * 24 * 3600,
          "preference links expire after this many seconds (every digest carries a fresh "
          "one)", "5184000 (60 days)"),
        S("NEWSDESK_CONSENT_FORM_VERSION", "text", "2026-11",
          "the sign-up form's version, kept with each subscription as proof of consent"),
        S("NEWSDESK_SIGNUP_MIN_SECONDS", "int", 3,
          "minimum time between rendering and sending the sign-up form (the form's `started` "
          "field is the render time signed with `SECRET_KEY`; an unsigned or altered one is "
          "refused like a form sent too fast)"),
        S("NEWSDESK_SIGNUP_LIMIT_IP", "limit", (20, 3600),
          "sign-ups per client (an IPv4 address or an IPv6 /64) per window, counted in the "
          "shared cache"),
        S("NEWSDESK_SIGNUP_LIMIT_ADDRESS", "limit", (5, 3600), "sign-ups per address per window"),
        S("NEWSDESK_SIGNUP_LIMIT_DOMAIN", "limit", (300, 3600),
          "sign-ups per mail domain per window"),
        S("NEWSDESK_CONFIRMATIONS_PER_DAY", "int", 3,
          "mails to one address per day from the sign-up paths"),
        S("NEWSDESK_BLOCKED_DOMAINS", "list", [],
          "mail domains refused at sign-up (their subdomains too)"),
        S("NEWSDESK_BLOCK_DISPOSABLE", "bool", True,
          "refuse throw-away mail services (the disposable-email-domains list)"),
        S("NEWSDESK_SIGNUP_POW_BITS", "int", 0,
          "self-hosted proof of work at sign-up (then signing up needs JavaScript)",
          "0 (off)"),
        S("NEWSDESK_MAIL_CONCURRENCY", "int", 4, "SMTP connections per worker"),
        S("NEWSDESK_MAIL_RATE", "int", 0, "messages per second per worker",
          "0 (unlimited)"),
        S("NEWSDESK_MAIL_MAX_ATTEMPTS", "int", 6,
          "attempts at one delivery (backoff 1, 5, 25, 125 … minutes)"),
        S("NEWSDESK_MAIL_CLAIM_SECONDS", "int", 300,
          "how long a worker's claim on a delivery lasts"),
        S("NEWSDESK_DIGEST_RUN_SECONDS", "int", 60,
          "how often the scheduler starts a digest run: breaking alerts, due digests, and "
          "mail a killed worker left unsent"),
        S("NEWSDESK_BOUNCE_DOMAIN", "text", "",
          "the domain of the return path (one VERP address per delivery) and of the "
          "`List-Unsubscribe` mailto: point its MX at `newsdesk bounces serve`",
          "the From address's domain"),
        S("NEWSDESK_BOUNCE_LOCALPART", "text", "bounces",
          "the local part of the return path the receiver accepts bounces at"),
        S("NEWSDESK_UNSUBSCRIBE_LOCALPART", "text", "unsubscribe",
          "the local part of the `List-Unsubscribe` mailto address"),
        S("NEWSDESK_FEEDBACK_LOCALPART", "text", "abuse",
          "the local part that receives complaint (feedback loop) reports"),
        S("NEWSDESK_SOFT_BOUNCE_LIMIT", "int", 3, "soft bounces before an address is suppressed"),
        S("NEWSDESK_DKIM_KEY_FILE", "text", "",
          "a PEM file with the DKIM private key: mail is signed (relaxed/relaxed, rsa-sha256) "
          "when a key is set", "unset"),
        S("NEWSDESK_DKIM_PRIVATE_KEY", "text", "",
          "the DKIM private key itself, instead of a file", "unset"),
        S("NEWSDESK_DKIM_SELECTOR", "text", "newsdesk", "the DKIM selector"),
        S("NEWSDESK_DKIM_DOMAIN", "text", "", "the DKIM signing domain",
          "the From address's domain"),
        S("NEWSDESK_WEBHOOK_SECRET", "text", "",
          "the secret path segment of the bounce providers' webhook URLs (the first factor)",
          "unset: bounce webhooks off"),
        S("NEWSDESK_WEBHOOK_MAX_AGE", "int", 300,
          "seconds a Mailgun webhook timestamp may be off our clock, either way"),
        S("NEWSDESK_MAILGUN_WEBHOOK_SIGNING_KEY", "text", "",
          "Mailgun's webhook signing key; signatures, timestamps and one-time tokens are "
          "checked", "unset: Mailgun calls refused"),
        S("NEWSDESK_POSTMARK_WEBHOOK_USERNAME", "text", "",
          "the HTTP Basic user name in Postmark's webhook URL",
          "unset: Postmark calls refused"),
        S("NEWSDESK_POSTMARK_WEBHOOK_PASSWORD", "text", "",
          "the HTTP Basic password in Postmark's webhook URL",
          "unset: Postmark calls refused"),
        S("NEWSDESK_SES_WEBHOOK_USERNAME", "text", "",
          "the HTTP Basic user name in the SNS endpoint URL", "unset: not checked"),
        S("NEWSDESK_SES_WEBHOOK_PASSWORD", "text", "",
          "the HTTP Basic password in the SNS endpoint URL", "unset: not checked"),
    ),
    *_group(
        TESTS,
        S("NEWSDESK_TESTING", "bool", False,
          "the suite's settings: no SECRET_KEY needed with PostgreSQL, plain static files"),
        S("NEWSDESK_TEST_SQLITE", "text", "",
          "the SQLite test database's file", "in memory"),
        S("NEWSDESK_TEST_DATABASE_NAME", "text", "",
          "the PostgreSQL test database's name, so two runs can share a server",
          "`test_` and the database's name"),
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


# --- reading -----------------------------------------------------------------------------


def env(name: str):
    """The variable `name` from the environment, parsed by its kind; its default if unset.

    A name that is not in the table is refused: every variable read is documented. An
    empty value counts as unset, except for a list, where it means the empty list (so
    `NEWSDESK_METRICS_ALLOW_NETWORKS=` allows no network).
    """
    try:
        setting = BY_NAME[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"{name} is read but not in newsdesk/settings_table.py: add it there with its "
            "default and meaning, then run scripts/settings-table --write"
        ) from None
    raw = os.environ.get(name)
    if raw is None or not (raw.strip() or setting.kind == "list"):
        return list(setting.default) if isinstance(setting.default, list) else setting.default
    return _PARSE[setting.kind](name, raw.strip())


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def _limit(name: str, raw: str) -> tuple[int, int]:
    count, _, seconds = raw.partition("/")
    try:
        return int(count), int(seconds or 3600)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: expected COUNT/SECONDS, e.g. 20/3600"
        ) from None


_PARSE = {
    "text": lambda _name, raw: raw,
    "int": _int,
    "bool": lambda _name, raw: raw.lower() in ("1", "true", "yes", "on"),
    "list": lambda _name, raw: [item.strip() for item in raw.split(",") if item.strip()],
    "limit": _limit,
}


# --- the documents -----------------------------------------------------------------------

BEGIN = "<!-- settings table: generated from src/newsdesk/settings_table.py by "
BEGIN += "`scripts/settings-table --write`; edit the table, not this -->"
END = "<!-- end of the generated settings table -->"
# Each document and the groups its table shows (None: all of them).
DOCUMENTS = {
    "README.md": [title for title in dict.fromkeys(s.group for s in SETTINGS)
                  if title != NEWSLETTER],
    "docs/deploy.md": None,
    "docs/newsletter.md": [NEWSLETTER],
}


def shown_default(setting: Setting) -> str:
    if setting.shown:
        return setting.shown
    value = setting.default
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return f"`{value[0]}/{value[1]}`"
    if isinstance(value, list):
        return f"`{','.join(value)}`" if value else "empty"
    if isinstance(value, int):
        return str(value)
    return f"`{value}`" if value else "empty"


def markdown(groups: list[str] | None = None) -> str:
    """The table as Markdown: one row per variable, a bold row before each group."""
    lines = ["| variable | default | meaning |", "| --- | --- | --- |"]
    current = None
    for setting in SETTINGS:
        if setting.group == current:
            pass
        elif groups is None or setting.group in groups:
            lines.append(f"| **{setting.group}** | | |")
        elif setting.group == NEWSLETTER:
            lines.append("| **newsletter** | | sign-up limits, proof of work, blocked domains, "
                         "first digest, breaking alerts, SMTP concurrency and rate, bounces, "
                         "DKIM, webhook secrets: see "
                         "[docs/newsletter.md](docs/newsletter.md#settings) |")
        current = setting.group
        if groups is None or setting.group in groups:
            lines.append(f"| `{setting.name}` | {shown_default(setting)} | {setting.meaning} |")
    return "\n".join(lines)


def generated(text: str, groups: list[str] | None, where: str) -> str:
    """`text` with the part between BEGIN and END replaced by the table."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{where}: the markers of the generated settings table are missing")
    return text[: start + len(BEGIN)] + "\n" + markdown(groups) + "\n" + text[end:]


def stale_documents(root: Path) -> list[str]:
    """The documents whose generated table differs from this table."""
    return [
        name for name, groups in DOCUMENTS.items()
        if (text := (root / name).read_text()) != generated(text, groups, name)
    ]


def write_documents(root: Path) -> list[str]:
    """Rewrite the generated tables; returns the documents that changed."""
    changed = stale_documents(root)
    for name in changed:
        path = root / name
        path.write_text(generated(path.read_text(), DOCUMENTS[name], name))
    return changed


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    if argv == ["--write"]:
        changed = write_documents(root)
        print(f"rewrote {', '.join(changed)}" if changed else "the documents are up to date")
        return 0
    if argv == ["--check"]:
        stale = stale_documents(root)
        for name in stale:
            print(f"{name}: its settings table differs: run scripts/settings-table --write",
                  file=sys.stderr)
        return 1 if stale else 0
    if argv:
        print("usage: scripts/settings-table [--write | --check]", file=sys.stderr)
        return 2
    print(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
