"""`newsdesk extract`: print what extraction makes of a page file, a URL or a folder.

It never touches the database, so it runs without a configured one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsdesk.articles.batch import extract_directory, extract_file, quiet_library_logs, render


class Command(BaseCommand):
    help = (
        "Extract an article from a page file (.html or .html.gz) or a URL and print it as JSON; "
        "with --dir DIR --out OUT, extract every page in DIR to OUT/<name>.json (or .txt)."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("page", nargs="?", help="a .html/.html.gz file or an http(s) URL")
        parser.add_argument("--dir", type=Path, help="folder of .html/.html.gz pages")
        parser.add_argument("--out", type=Path, help="folder for the results of --dir")
        parser.add_argument("--format", choices=("json", "text"), default="json",
                            help="json (default) or text: the body only")
        parser.add_argument("--url", help="the page's address, when extracting a file")

    def handle(self, *args, **options):
        quiet_library_logs()
        output_format = options["format"]
        if options["dir"]:
            if options["page"]:
                raise CommandError("give either a page or --dir, not both")
            if not options["out"]:
                raise CommandError("--dir needs --out: the folder to write the results to")
            if not options["dir"].is_dir():
                raise CommandError(f"--dir {options['dir']}: no such folder")
            failed = extract_directory(options["dir"], options["out"], output_format)
            if failed:
                self.stderr.write(f"{failed} page(s) could not be extracted (see above)")
                sys.exit(1)
            return
        page = options["page"]
        if not page:
            raise CommandError("give a page file or URL to extract, or --dir DIR --out OUT")
        result = self._extract_url(page) if "://" in page else self._extract_path(page, options)
        self.stdout.write(render(result, output_format), ending="")

    def _extract_path(self, page: str, options) -> dict:
        path = Path(page)
        if not path.is_file():
            raise CommandError(f"{page}: no such file (give a .html/.html.gz page or a URL)")
        try:
            return extract_file(path, options.get("url"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"page {page}: cannot read it ({exc})") from exc

    def _extract_url(self, url: str) -> dict:
        from newsdesk.articles.extract import extract
        from newsdesk.core.urls import is_http_url
        from newsdesk.sources.fetch import fetch_sync

        if not is_http_url(url):
            raise CommandError(f"{url}: not an http(s) URL")
        result = fetch_sync(url)
        if not result.ok:
            raise CommandError(f"{url}: could not fetch the page ({result.error})")
        return extract(result.body, result.final_url, headers=result.headers).to_json()
