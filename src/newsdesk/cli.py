"""The `newsdesk` command: Django's management commands under one name.

`newsdesk run`, `newsdesk sources add URL`, `newsdesk migrate` ... are all
management commands of the project's apps; this entry point only picks the
settings module.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "newsdesk"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
