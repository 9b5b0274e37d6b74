from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import search.operations

# As in 0001, with the authors' names added word for word ('simple': no stop words, no
# stemming), so that a surname which is also an English stop word ("He") is in the
# vector. Weight D, the lowest: the names are in the body (english) already, and a name
# found twice should not outrank a word of the title.
CREATE_TRIGGER = """
CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.english', coalesce(NEW.body, '')), 'B')
        || setweight(to_tsvector('pg_catalog.simple', coalesce(NEW.names, '')), 'D');
    RETURN NEW;
END
$$;
DROP TRIGGER search_document_vector ON search_document;
CREATE TRIGGER search_document_vector
    BEFORE INSERT OR UPDATE OF title, body, names ON search_document
    FOR EACH ROW EXECUTE FUNCTION search_document_vector();
"""
DROP_TRIGGER = """
CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.english', coalesce(NEW.body, '')), 'B');
    RETURN NEW;
END
$$;
DROP TRIGGER search_document_vector ON search_document;
CREATE TRIGGER search_document_vector
    BEFORE INSERT OR UPDATE OF title, body ON search_document
    FOR EACH ROW EXECUTE FUNCTION search_document_vector();
"""


def copy_names(apps, schema_editor):
    """Each paper's document gets its authors (on PostgreSQL the trigger then recomputes
    its vector). One statement; a large catalogue may prefer `manage.py reindex`."""
    Document = apps.get_model("search", "Document")
    Paper = apps.get_model("papers", "Paper")
    authors = Paper.objects.filter(pk=OuterRef("paper_id")).values("authors")[:1]
    Document.objects.using(schema_editor.connection.alias).filter(kind="paper").update(
        names=Subquery(authors)
    )


def drop_remade_gin_index(apps, schema_editor):
    """SQLite adds a NOT NULL column by remaking the table, and remakes every index of
    the model state with it, the GIN index that PostgreSQLOnlyAddIndex kept out of
    SQLite included (as a plain index on a column that stays NULL there)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP INDEX IF EXISTS search_document_vector_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="names",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(drop_remade_gin_index, migrations.RunPython.noop),
        # Before the names are copied, so that copying them recomputes the vectors.
        search.operations.PostgreSQLOnlyRunSQL(CREATE_TRIGGER, DROP_TRIGGER),
        migrations.RunPython(copy_names, migrations.RunPython.noop),
    ]
