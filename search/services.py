"""Writes to the search index: one document per paper, public summary and comment on one.

Called from the signal receivers (search.receivers) for every change, and by
`manage.py reindex` to rebuild everything. Private summaries, and comments on them,
never get a document, so their text cannot turn up in results or in counts. Nor does
what a moderator hid (a summary, with its comments, or a comment) or a comment deleted
or removed: restoring it brings its document back.

Writes that skip `save()` (a queryset's `update()`, an import's bulk writes) skip the
post_save receivers too: papers announces its own with signals (papers.signals), which
the receivers follow; any other must save() the rows it changes.
"""

from django.db import connections, router, transaction
from django.utils import timezone

from markup.readable import readable_text
from papers.models import Paper
from shortscience.pgcopy import copy_rows
from summaries.models import Comment, Summary

from .models import Document, Word

Kind = Document.Kind
# Every column an upsert writes; the key (kind, object_id) identifies the row.
_UPSERT_FIELDS = ["paper", "summary", "title", "body", "names", "venue", "year", "updated_at"]
# A document as a row, for writers of many: `save_documents` takes these tuples as well
# as Document instances. Building a model instance costs several times what writing
# its row does.
DOCUMENT_FIELDS = (
    "kind", "object_id", "paper_id", "summary_id", "title", "body", "names", "venue", "year"
)  # fmt: skip
# From this many documents on, save_documents copies them (PostgreSQL): below it, one
# INSERT costs less than the temporary table's three statements.
COPY_FROM = 200


def paper_document_row(pk, title, authors, abstract_html, venue, year):
    """A paper's document as a row of DOCUMENT_FIELDS."""
    # Authors go in the body: a search for a name should find the paper, but the title
    # alone deserves the heavier weight. In `names` too, for the surnames English drops.
    abstract = readable_text(abstract_html) if abstract_html else ""
    body = "\n".join(part for part in (authors, abstract) if part)
    return (Kind.PAPER.value, pk, pk, None, title, body, authors, venue, year)


def paper_document(paper):
    row = paper_document_row(
        paper.pk, paper.title, paper.authors, paper.abstract_html, paper.venue, paper.year
    )
    return Document(**dict(zip(DOCUMENT_FIELDS, row, strict=True)))


def summary_document(summary, paper):
    # No author here, ever: an anonymous summary must not be findable by its author's
    # name, and a result shows the byline from the summary itself.
    return Document(
        kind=Kind.SUMMARY,
        object_id=summary.pk,
        paper_id=paper.pk,
        summary_id=summary.pk,
        body=readable_text(summary.body_html),
        venue=paper.venue,
        year=paper.year,
    )


def comment_document(comment, paper):
    return Document(
        kind=Kind.COMMENT,
        object_id=comment.pk,
        paper_id=paper.pk,
        summary_id=comment.summary_id,
        body=readable_text(comment.body_html),
        venue=paper.venue,
        year=paper.year,
    )


def save_documents(documents, batch_size=None, *, new=False):
    """Insert the documents, or update the ones already there.

    `documents` are Document instances or rows of DOCUMENT_FIELDS (see above). On
    PostgreSQL, COPY_FROM documents or more are copied into a temporary table and
    upserted from there in one statement (an import's batch: Django's multi-row INSERT
    took longer to build than to run). Otherwise one INSERT … ON CONFLICT a batch.

    `new`: the caller knows that none of them is in the table yet, as for the papers an
    import has just inserted. On PostgreSQL they are then copied straight into the
    table, however few, which also spares the server the upsert's second pass;
    elsewhere they are inserted. One that was there after all fails with IntegrityError.
    """
    connection = connections[router.db_for_write(Document)]
    if connection.vendor == "postgresql" and (new or len(documents) >= COPY_FROM):
        _copy_documents(connection, [_row(document) for document in documents], new)
        return
    upsert = {
        "update_conflicts": True,
        "unique_fields": ["kind", "object_id"],
        "update_fields": _UPSERT_FIELDS,
    }
    Document.objects.bulk_create(
        [_instance(document) for document in documents],
        batch_size=batch_size,
        **({} if new else upsert),
    )


def _row(document):
    if isinstance(document, tuple):
        return document
    return tuple(getattr(document, name) for name in DOCUMENT_FIELDS)


def _instance(document):
    if isinstance(document, Document):
        return document
    return Document(**dict(zip(DOCUMENT_FIELDS, document, strict=True)))


# Per connection, for the length of its session; emptied by each upsert that fills it.
_INCOMING = "search_document_incoming"


def _copy_documents(connection, rows, new):
    table = Document._meta.db_table
    quote = connection.ops.quote_name
    columns = [Document._meta.get_field(name).column for name in DOCUMENT_FIELDS]
    columns.append(Document._meta.get_field("updated_at").column)
    now = timezone.now().isoformat()
    rows = ((*row, now) for row in rows)
    if new:
        copy_rows(connection, table, columns, rows)
        return
    column_list = ", ".join(map(quote, columns))
    updates = ", ".join(
        f"{quote(column)} = EXCLUDED.{quote(column)}"
        for column in (Document._meta.get_field(name).column for name in _UPSERT_FIELDS)
    )
    key = ", ".join(quote(Document._meta.get_field(name).column) for name in ("kind", "object_id"))
    with transaction.atomic(using=connection.alias):
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {_INCOMING} AS "
                f"SELECT {column_list} FROM {quote(table)} WITH NO DATA"
            )
        copy_rows(connection, _INCOMING, columns, rows)
        with connection.cursor() as cursor:
            # Rows reach the real table through INSERT, so its trigger fills their
            # vectors and the conflict clause applies as for any other upsert.
            cursor.execute(
                f"WITH incoming AS (DELETE FROM {_INCOMING} RETURNING {column_list}) "
                f"INSERT INTO {quote(table)} ({column_list}) SELECT {column_list} FROM incoming "
                f"ON CONFLICT ({key}) DO UPDATE SET {updates}"
            )


def index_paper(paper):
    with transaction.atomic():
        save_documents([paper_document(paper)])
        # Summaries and comments carry their paper's venue and year for the filters.
        Document.objects.filter(paper_id=paper.pk).exclude(kind=Kind.PAPER).update(
            venue=paper.venue, year=paper.year
        )


def index_imported(created, updated):
    """Bring the search documents of imported papers in step (papers.signals.
    papers_imported): bulk_create, bulk_update and COPY send no post_save, which is
    what keeps the index in step for single saves.

    The new papers' documents are written in one statement, and so are the updated
    ones'. A paper whose venue or year changed may have summaries and comments
    carrying them, so those go through `index_paper`, which updates them too.
    """
    if created:
        save_documents(
            [
                paper_document_row(p.pk, p.title, p.authors, p.abstract_html, p.venue, p.year)
                for p in created
            ],
            new=True,
        )
    if updated:
        save_documents([paper_document(paper) for paper, _ in updated])
    for paper, changes in updated:
        if "venue" in changes or "year" in changes:
            index_paper(paper)


def _summary_is_indexed(summary):
    return not (summary.is_private or summary.is_hidden)


def _comment_is_indexed(comment):
    return not (comment.is_hidden or comment.deleted_at)


def _indexed_comments():
    return Comment.objects.filter(is_hidden=False, deleted_at__isnull=True)


def index_summary(summary):
    """Index a summary and its comments, or drop them all if it is private or hidden."""
    with transaction.atomic():
        if not _summary_is_indexed(summary):
            Document.objects.filter(summary_id=summary.pk).delete()
            return
        paper = summary.paper
        # The comments too: a summary made public again brings its discussion back.
        comments = _indexed_comments().filter(summary_id=summary.pk)
        save_documents(
            [summary_document(summary, paper)]
            + [
                comment_document(comment, paper)
                for comment in comments.only("summary_id", "body_html")
            ]
        )


def index_comment(comment):
    """Index a comment, or drop its document if nobody may read it."""
    summary = (
        Summary.objects.select_related("paper")
        .only("is_private", "is_hidden", "paper__venue", "paper__year")
        .get(pk=comment.summary_id)
    )
    if _summary_is_indexed(summary) and _comment_is_indexed(comment):
        save_documents([comment_document(comment, summary.paper)])
    else:
        # Normally absent already when the summary is not public; deleting is cheap and
        # certain.
        forget_comment(comment.pk)


def forget_comment(pk):
    Document.objects.filter(kind=Kind.COMMENT, object_id=pk).delete()


def rebuild(batch_size=1000, progress=None):
    """Replace the whole index with documents made from the current rows.

    For imports, which bypass the signals. One transaction, so searches see the old
    index until the new one is complete. Rows are read in primary-key order a batch at
    a time, so memory stays flat whatever the size of the tables. Returns the number of
    documents written.
    """
    sources = [
        (
            Paper.objects.all(),
            paper_document,
            ["title", "authors", "abstract_html", "venue", "year"],
        ),
        (
            Summary.objects.public().select_related("paper"),
            lambda summary: summary_document(summary, summary.paper),
            ["body_html", "paper__venue", "paper__year"],
        ),
        (
            _indexed_comments()
            .filter(summary__is_private=False, summary__is_hidden=False)
            .select_related("summary__paper"),
            lambda comment: comment_document(comment, comment.summary.paper),
            ["summary_id", "body_html", "summary__paper__venue", "summary__paper__year"],
        ),
    ]
    total = 0
    with transaction.atomic():
        Document.objects.all().delete()
        for queryset, make_document, fields in sources:
            for batch in _batches(queryset.only(*fields), batch_size):
                Document.objects.bulk_create([make_document(row) for row in batch])
                total += len(batch)
                if progress:
                    progress(total)
        refresh_words()
    return total


# The words of every paper's title and names, with the number of papers each is in (as
# the trigger in the migrations finds them): words no paper has any more deleted, the
# others inserted or their counts updated. Changing only what changed keeps the trigram
# index small: a count is not indexed, so its update leaves the index alone.
_REFRESH_WORDS = """
WITH fresh AS MATERIALIZED (
    SELECT word, ndoc AS documents FROM ts_stat($$
        SELECT to_tsvector('pg_catalog.simple', title || ' ' || names)
        FROM search_document WHERE kind = 'paper'
    $$)
    WHERE length(word) BETWEEN 3 AND 40 AND word ~ '^[[:alpha:]][[:alnum:]]*$'
), gone AS (
    DELETE FROM search_word AS known
    WHERE NOT EXISTS (SELECT FROM fresh WHERE fresh.word = known.word)
)
INSERT INTO search_word (word, documents)
SELECT word, documents FROM fresh ORDER BY word
ON CONFLICT (word) DO UPDATE SET documents = EXCLUDED.documents
WHERE search_word.documents <> EXCLUDED.documents
"""


def refresh_words():
    """Bring the table of words for spelling suggestions (search.models.Word) in line
    with the paper documents, on PostgreSQL: the triggers add new words as papers are
    written but never remove those of papers since deleted or retitled, nor update
    the counts. One pass over the titles: about 20 s a million papers. Returns the
    number of words (0 elsewhere, where the table stays empty)."""
    connection = connections[router.db_for_write(Word)]
    if connection.vendor != "postgresql":
        return 0
    table = connection.ops.quote_name(Word._meta.db_table)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(_REFRESH_WORDS)
        # Statistics of the rows as they are now: with those of an empty table,
        # PostgreSQL reads every word for a suggestion rather than use the index.
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def _batches(queryset, size):
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk
