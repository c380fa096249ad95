"""The `newsdesk` command: Django's management commands under one name.

`newsdesk run`, `newsdesk sources add URL`, `newsdesk migrate` ... are all
management commands of the project's apps; this entry point picks the settings module,
lists Newsdesk's own commands first (grouped) in `newsdesk --help`, and refuses, in one
line and with status 2, to run a command against a database that is not migrated (or
cannot be reached) instead of failing later with a traceback.
"""

import os
import sys
from collections import defaultdict

# Newsdesk's commands as `newsdesk --help` groups them; any other command of ours goes
# under "More".
GROUPS = (
    ("Run the desk", ("run", "demo", "serve", "worker", "scheduler")),
    ("Sources and articles", ("sources", "poll", "extract")),
    ("Newsletter", ("digest", "bounces")),
)
# Commands that prepare the database themselves, or never use it.
NO_DATABASE_NEEDED = frozenset({
    "help", "version", "run", "demo", "extract", "migrate", "makemigrations",
    "showmigrations", "sqlmigrate", "squashmigrations", "optimizemigration", "check",
    "shell", "dbshell", "compilemessages", "makemessages", "collectstatic", "findstatic",
    "diffsettings", "startapp", "startproject", "test", "testserver", "sendtestemail",
    "inspectdb", "createcachetable",
})
UNUSABLE_DATABASE = 2


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "newsdesk"
    if _uses_database(argv):
        problem = database_problem()
        if problem:
            print(f"newsdesk {argv[1]}: {problem}", file=sys.stderr)
            raise SystemExit(UNUSABLE_DATABASE)
    _utility()(argv).execute()


def _uses_database(argv: list[str]) -> bool:
    if len(argv) < 2 or argv[1].startswith("-"):
        return False
    asks_help = any(arg in ("-h", "--help", "--version") for arg in argv[2:])
    return argv[1] not in NO_DATABASE_NEEDED and not asks_help


def database_problem() -> str | None:
    """Why commands cannot use the configured database, in one line; None if they can."""
    from django import setup
    from django.core.exceptions import ImproperlyConfigured
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    from newsdesk.core.words import count

    try:
        setup()
    except ImproperlyConfigured as error:
        return str(error)
    where = _database_name(connection)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"cannot use the database {where}: {reason}. Check DATABASE_URL"
    finally:
        connection.close()
    if not plan:
        return None
    if not executor.loader.applied_migrations:
        return (f"the database {where} is not set up (not migrated): run `newsdesk migrate` "
                "first (`newsdesk run` and `newsdesk demo` do it themselves)")
    first = plan[0][0]
    return (f"the database {where} is behind this version of Newsdesk "
            f"({count(len(plan), 'migration')} to apply, from {first.app_label}."
            f"{first.name}): run `newsdesk migrate` first")


def _database_name(connection) -> str:
    """Where the database is, without credentials: a file, or host and name."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    host = settings.get("HOST") or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"{settings['NAME']} on {host}{port}"


def _utility():
    from django.core.management import ManagementUtility, get_commands, load_command_class
    from django.core.management.color import color_style

    class NewsdeskUtility(ManagementUtility):
        """Django's, with `--help` listing Newsdesk's commands first, by what they are for."""

        def main_help_text(self, commands_only=False):
            if commands_only or self.settings_exception is not None:
                return super().main_help_text(commands_only)
            commands = get_commands()
            style = color_style()
            ours = {name for name, app in commands.items() if app.startswith("newsdesk")}
            grouped = [(title, [n for n in names if n in ours]) for title, names in GROUPS]
            listed = {name for _title, names in grouped for name in names}
            grouped.append(("More", sorted(ours - listed)))
            lines = ["", "Usage: newsdesk COMMAND [options]; `newsdesk COMMAND --help` explains "
                     "one command.", ""]
            for title, names in grouped:
                if not names:
                    continue
                lines.append(style.NOTICE(f"{title}:"))
                lines += [f"  {name:<12}{_summary(commands[name], name)}" for name in names]
                lines.append("")
            others = defaultdict(list)
            for name, app in commands.items():
                if name not in ours:
                    others["django" if app == "django.core" else app.rpartition(".")[-1]].append(
                        name)
            lines.append(style.NOTICE("Django's commands (and its apps'):"))
            lines += [f"  [{app}] {', '.join(sorted(names))}" for app, names in sorted(
                others.items())]
            return "\n".join(lines)

    def _summary(app: str, name: str) -> str:
        """A command's help text up to its first full stop or semicolon."""
        text = " ".join(str(load_command_class(app, name).help).split())
        return text.split(". ")[0].split("; ")[0].rstrip(".")

    return NewsdeskUtility


if __name__ == "__main__":
    main()
