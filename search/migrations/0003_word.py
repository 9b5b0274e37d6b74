from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

import search.operations

# The words kept for suggestions: a letter first, then letters or digits ("wav2vec"),
# 3 to 40 characters. Shorter ones are too short to compare by trigrams. The length is
# tested apart: a bounded repetition ({2,39}) made the pattern six times slower.
WORD_CONDITION = "length(word) BETWEEN 3 AND 40 AND word ~ '^[[:alpha:]][[:alnum:]]*$'"

# The words of the paper documents a statement wrote, each counted once a paper, added
# to search_word when new. Once a statement, over its transition table: an import's
# batch of thousands of papers costs one INSERT of its distinct words, nearly all of
# them already known (one B-tree lookup each). The words are tested once each, after
# grouping. In word order, so that two imports adding the same new words take them in
# the same order and cannot deadlock. About 12 µs a paper, a tenth of what computing
# its search vector costs.
CREATE_TRIGGERS = f"""
CREATE FUNCTION search_word_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search_word (word, documents)
    SELECT word, documents FROM (
        SELECT w.word, count(*) AS documents
        FROM written AS d,
             unnest(tsvector_to_array(to_tsvector(
                 'pg_catalog.simple', coalesce(d.title, '') || ' ' || coalesce(d.names, '')
             ))) AS w(word)
        WHERE d.kind = 'paper'
        GROUP BY w.word
    ) AS found
    WHERE {WORD_CONDITION}
    ORDER BY word
    ON CONFLICT (word) DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER search_word_insert AFTER INSERT ON search_document
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION search_word_add();
CREATE TRIGGER search_word_update AFTER UPDATE ON search_document
    REFERENCING NEW TABLE AS written
    FOR EACH STATEMENT EXECUTE FUNCTION search_word_add();
"""
DROP_TRIGGERS = """
DROP TRIGGER search_word_update ON search_document;
DROP TRIGGER search_word_insert ON search_document;
DROP FUNCTION search_word_add();
"""
# Trigram index: `word % 'atention'` and similarity() find the closest words. Without
# the pending list (fastupdate): new words are few, and a search would otherwise read
# every word added since the last vacuum (6 ms for 30,000 of them).
CREATE_INDEX = (
    "CREATE INDEX search_word_trigram ON search_word USING gin (word gin_trgm_ops) "
    "WITH (fastupdate = off)"
)
DROP_INDEX = "DROP INDEX search_word_trigram"
# The words of the papers already indexed (search.services.refresh_words does the same).
FILL = f"""
INSERT INTO search_word (word, documents)
SELECT word, ndoc FROM ts_stat($$
    SELECT to_tsvector('pg_catalog.simple', title || ' ' || names)
    FROM search_document WHERE kind = 'paper'
$$)
WHERE {WORD_CONDITION};
ANALYZE search_word;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_document_names"),
    ]

    operations = [
        # Does nothing on other databases. pg_trgm ships with PostgreSQL (contrib) and
        # is a trusted extension: the database's owner may create it.
        TrigramExtension(),
        migrations.CreateModel(
            name="Word",
            fields=[
                ("word", models.CharField(max_length=40, primary_key=True, serialize=False)),
                ("documents", models.PositiveIntegerField(default=1)),
            ],
        ),
        search.operations.PostgreSQLOnlyRunSQL(CREATE_INDEX, DROP_INDEX),
        search.operations.PostgreSQLOnlyRunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
        search.operations.PostgreSQLOnlyRunSQL(FILL, migrations.RunSQL.noop),
    ]
