"""Logging helpers: keeping INFO a summary.

django.tasks logs two INFO lines per task (started, finished). The database worker
(django-tasks-db's db_worker) sets that logger's level itself from its --verbosity, so a
level in LOGGING does not hold; a filter on our handler does.
"""

import logging


class BelowLevelFrom(logging.Filter):
    """Drops records of the loggers `names` (and their children) below `level`."""

    def __init__(self, names=(), level="WARNING"):
        super().__init__()
        self.names = tuple(names)
        self.level = logging.getLevelName(level) if isinstance(level, str) else level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        return not any(record.name == n or record.name.startswith(n + ".") for n in self.names)
