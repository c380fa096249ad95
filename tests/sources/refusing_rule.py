"""A database rule that refuses some entry rows: a write that fails whatever text clean-up
comes before it, for the tests that show one source's failure costs the others nothing."""

from django.db import connection

REFUSED_MARKER = "Refused by the database"


def refuse_marked_entries() -> None:
    """From now on, inserting an entry whose title holds REFUSED_MARKER fails."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION refuse_marked_entry() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN IF NEW.title LIKE '%%{REFUSED_MARKER}%%' THEN "
                "RAISE EXCEPTION 'entry refused by the test rule'; END IF; RETURN NEW; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_marked_entry BEFORE INSERT OR UPDATE ON sources_entry "
                "FOR EACH ROW EXECUTE FUNCTION refuse_marked_entry()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_marked_entry BEFORE INSERT ON sources_entry "
                f"WHEN NEW.title LIKE '%{REFUSED_MARKER}%' "
                "BEGIN SELECT RAISE(ABORT, 'entry refused by the test rule'); END"
            )
