"""Settings for the worker processes of the kill -9 test: the project's settings with
several SMTP connections, so that the kill lands while messages are in flight on each."""

from newsdesk.settings import *  # noqa: F403

NEWSDESK_MAIL_CONCURRENCY = 4
