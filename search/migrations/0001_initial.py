import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models

import search.operations

# PostgreSQL computes each document's vector itself, whoever writes the row (the ORM,
# bulk_create, a COPY in bench/search.py). Titles weigh more than bodies in the ranking.
# Only changes to the text recompute it: moving a document to another venue does not.
CREATE_TRIGGER = """
CREATE FUNCTION search_document_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector :=
        setweight(to_tsvector('pg_catalog.english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('pg_catalog.english', coalesce(NEW.body, '')), 'B');
    RETURN NEW;
END
$$;
CREATE TRIGGER search_document_vector
    BEFORE INSERT OR UPDATE OF title, body ON search_document
    FOR EACH ROW EXECUTE FUNCTION search_document_vector();
"""
DROP_TRIGGER = """
DROP TRIGGER search_document_vector ON search_document;
DROP FUNCTION search_document_vector();
"""
# Vectors are read for every match that is ranked or rechecked, bodies only for the
# ten snippets of a page. MAIN keeps a vector in its row (compressed if need be), so
# the body is the one moved out to TOAST when a row grows large: reading a vector then
# takes no extra TOAST lookup, which makes ranking and rechecks about twice as fast.
VECTOR_IN_ROW = "ALTER TABLE search_document ALTER COLUMN search_vector SET STORAGE MAIN"
VECTOR_ANYWHERE = "ALTER TABLE search_document ALTER COLUMN search_vector SET STORAGE EXTENDED"
# A search reads at most a few thousand rows; starting parallel workers for that costs
# more time than they save (about halving latency on a 2-core server when turned off).
NO_PARALLEL_SCANS = "ALTER TABLE search_document SET (parallel_workers = 0)"
PARALLEL_SCANS = "ALTER TABLE search_document RESET (parallel_workers)"


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('papers', '0002_paper_renderer_version'),
        ('summaries', '0002_citation'),
    ]

    operations = [
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('paper', 'Paper'), ('summary', 'Summary'), ('comment', 'Comment')], max_length=10)),
                ('object_id', models.PositiveBigIntegerField()),
                ('title', models.CharField(blank=True, max_length=500)),
                ('body', models.TextField(blank=True)),
                ('venue', models.CharField(blank=True, max_length=200)),
                ('year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('search_vector', django.contrib.postgres.search.SearchVectorField(editable=False, null=True)),
                ('paper', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='papers.paper')),
                ('summary', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='summaries.summary')),
            ],
            options={
                'indexes': [models.Index(django.db.models.functions.text.Upper('venue'), models.F('year'), name='search_document_venue_year'), models.Index(fields=['year'], name='search_document_year')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'object_id'), name='search_document_object')],
            },
        ),
        search.operations.PostgreSQLOnlyAddIndex(
            model_name='document',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_document_vector_gin'),
        ),
        search.operations.PostgreSQLOnlyRunSQL(CREATE_TRIGGER, DROP_TRIGGER),
        search.operations.PostgreSQLOnlyRunSQL(VECTOR_IN_ROW, VECTOR_ANYWHERE),
        search.operations.PostgreSQLOnlyRunSQL(NO_PARALLEL_SCANS, PARALLEL_SCANS),
    ]
