"""A site's worth of generated users, papers, summaries, comments and votes, in SQL.

Used by `bench/pages.py`; needs Django set up on an empty, migrated PostgreSQL database.

Text is the expensive part of a page, so it is real: a few dozen Markdown texts with
math (the demo content, and longer and shorter cuts of it) are rendered once through the
site's own pipeline, and every summary and comment reuses one of them. Each row starts
with a paragraph of generated words (Zipf-distributed, as in `bench/search.py`), so the
search index holds varied text. A row's stored HTML is exactly what rendering its body
would give: the paragraph as `<p>` plus the template's HTML.

Popularity is skewed as on a real site: a few papers have dozens of summaries, most
have one or two; a few summaries draw long discussions; a few users write hundreds of
summaries. The generators work from ranks: the papers of rank 1 to R (a share of all
papers) get summaries, rank r getting S * ((r / R)^e - ((r - 1) / R)^e) of them, which
sums to S exactly; a rank is mapped to a row id by multiplying by a number prime to the
row count, which spreads popular rows over the table.

Columns that migrations add after this SQL was written are filled as bench/columns.py
says, and each is named in the output.
"""

import math
import time

from django.db import connection

from accounts import counts
from bench import columns
from bench import search as search_bench
from markup.readable import readable_text
from markup.render import RENDERER_VERSION, cited_keys, render
from papers.rendering import render_text
from summaries import demo_content
from summaries.models import Comment, Summary

# The sizes at scale 1.
USERS = 20_000
PAPERS = 50_000
SUMMARIES = 100_000
COMMENTS = 300_000

# Shares of papers with summaries and of summaries with comments, and the exponent of
# the rank curve (smaller: more skewed).
SUMMARIZED_PAPERS = 0.7
DISCUSSED_SUMMARIES = 0.6
RANK_EXPONENT = 2 / 3
# Votes per summary: floor(MAX_VOTES * u^5) for a uniform u, about 5 on average.
MAX_VOTES = 30

BATCH = 2_000

# The tables whose rows are made from rendered texts, and the kind of text of each.
DERIVED_TABLES = (("summaries_summary", "summary"), ("summaries_comment", "comment"))

# Short texts, as many comments are.
SHORT_COMMENTS = [
    "Thanks, this is much clearer than the paper's own introduction.",
    "Does anyone know whether the code was released?",
    "Nice summary. The ablation in the appendix is worth a look too.",
    r"Small typo: the loss should be averaged over $N$, not summed.",
    "I tried this on a smaller data set and the gain mostly disappeared.",
]
BIOS = [
    demo_content.USERS[0]["bio"],
    demo_content.USERS[2]["bio"],
    "PhD student. I write summaries of what our **reading group** discusses.",
    "Applied scientist; mostly NLP, sometimes [optimization](https://example.org/opt).",
]


def summary_texts():
    """The Markdown of summaries: the demo ones, two joined (long), and cut short."""
    bodies = [item["body"].strip() for item in demo_content.SUMMARIES]
    joined = [bodies[i] + "\n\n" + bodies[(i + 7) % len(bodies)] for i in range(10)]
    short = ["\n\n".join(body.split("\n\n")[:3]) for body in bodies[:10]]
    return bodies + joined + short


def comment_texts():
    return [item["body"].strip() for item in demo_content.COMMENTS] + SHORT_COMMENTS


TEMPLATE_TABLE = """
CREATE UNLOGGED TABLE bench_template (
    kind text NOT NULL, n int NOT NULL, body text NOT NULL, body_html text NOT NULL,
    plain text NOT NULL, cites text[] NOT NULL, extra jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (kind, n)
)
"""

INSERT_USERS = """
INSERT INTO accounts_user (id, password, is_superuser, username, first_name, last_name, email,
                           is_staff, is_active, date_joined, display_name, bio, bio_html,
                           bio_renderer_version, orcid, notify_on_comment, notify_on_reply)
SELECT g, '!', false, 'user' || g, '', '', 'user' || g || '@example.org', false, true,
       now() - random() * interval '1500 days',
       CASE WHEN g %% 2 = 0 THEN bench_names(%(firsts)s, %(lasts)s, 1) ELSE '' END,
       coalesce(t.body, ''), coalesce(t.body_html, ''), %(renderer_version)s, '', true, true
FROM generate_series(%(start)s, %(stop)s) AS g
LEFT JOIN bench_template t ON t.kind = 'bio' AND g %% 5 = 0 AND t.n = 1 + g %% %(bios)s
"""

# Every user's address verified, as it must be before they post or vote
# (accounts.posting): a reader who votes is never shown the "verify your address" notice,
# and pages do not ask for it on their behalf.
INSERT_EMAIL_ADDRESSES = """
INSERT INTO account_emailaddress (user_id, email, verified, "primary")
SELECT g, 'user' || g || '@example.org', true, true
FROM generate_series(%(start)s, %(stop)s) AS g
"""

# Half the papers have an arXiv id, a few a DOI. The abstract is plain words, whose
# rendering is one paragraph.
INSERT_PAPERS = """
WITH rows AS MATERIALIZED (
    SELECT g, bench_text(%(words)s, %(suffixes)s, 80 + g %% 80, 0) AS abstract,
           CASE WHEN g %% 2 = 0 THEN '2001.' || lpad(g::text, 5, '0') ELSE '' END AS arxiv_id
    FROM generate_series(%(start)s, %(stop)s) AS g
)
INSERT INTO papers_paper (id, bibtex_key, title, authors, venue, year, abstract, abstract_html,
                          renderer_version, url, arxiv_id, doi, created_at)
SELECT g, 'bench/Paper' || g,
       initcap(bench_text(%(words)s, %(suffixes)s, 5 + g %% 7, %(title_skip)s)),
       bench_names(%(firsts)s, %(lasts)s, 2 + g %% 4),
       (%(venues)s::text[])[1 + floor(power(random(), 2) * %(venue_count)s)::int],
       2024 - floor(power(random(), 2) * 30)::int,
       abstract, '<p>' || abstract || '</p>', %(renderer_version)s,
       CASE WHEN arxiv_id <> '' THEN 'https://arxiv.org/abs/' || arxiv_id ELSE '' END,
       arxiv_id, CASE WHEN g %% 7 = 0 THEN '10.5555/bench.' || g ELSE '' END,
       now() - random() * interval '1500 days'
FROM rows
"""

# Summaries of the papers ranked start..stop. A paper's summaries have consecutive ids
# and are written by consecutive users from a skewed first one: distinct authors, and
# users with low ids write the most. 5% private, 10% anonymous, 0.5% hidden.
INSERT_SUMMARIES = """
WITH ranks AS MATERIALIZED (
    SELECT 1 + ((r - 1)::bigint * %(paper_step)s) %% %(papers)s AS paper_id,
           floor(%(summaries)s * power((r - 1)::float8 / %(ranked)s, %(exponent)s))::bigint
               AS before,
           floor(%(summaries)s * power(r::float8 / %(ranked)s, %(exponent)s))::bigint AS upto,
           floor(%(users)s * power(random(), 2))::bigint AS first_author
    FROM generate_series(%(start)s, %(stop)s) AS r
), rows AS MATERIALIZED (
    SELECT ranks.before + j AS id, ranks.paper_id,
           1 + (ranks.first_author + j - 1) %% %(users)s AS author_id,
           bench_text(%(words)s, %(suffixes)s, 30 + floor(random() * 50)::int, 0) AS words,
           now() - random() * interval '1095 days' AS created_at, random() AS luck
    FROM ranks, generate_series(1, ranks.upto - ranks.before) AS j
)
INSERT INTO summaries_summary (id, paper_id, author_id, body, body_html, renderer_version,
                               is_private, is_anonymous, score, hotness, is_hidden, created_at,
                               updated_at)
SELECT rows.id, rows.paper_id, rows.author_id, rows.words || E'\\n\\n' || t.body,
       '<p>' || rows.words || E'</p>\\n' || t.body_html, %(renderer_version)s,
       luck < 0.05, luck >= 0.05 AND luck < 0.15, 0,
       round((extract(epoch FROM rows.created_at) / %(seconds_per_vote)s)::numeric, 7),
       luck >= 0.995, rows.created_at, rows.created_at
FROM rows JOIN bench_template t ON t.kind = 'summary' AND t.n = 1 + rows.id %% %(templates)s
"""

# Comments on the summaries ranked start..stop, spread between the summary's creation
# and now. Every third is a reply to the comment before it, which is top-level. 1% are
# deleted (their text cleared, as the site does), 0.5% hidden.
INSERT_COMMENTS = """
WITH ranks AS MATERIALIZED (
    SELECT 1 + ((r - 1)::bigint * %(summary_step)s) %% %(summaries)s AS summary_id,
           floor(%(comments)s * power((r - 1)::float8 / %(ranked)s, %(exponent)s))::bigint
               AS before,
           floor(%(comments)s * power(r::float8 / %(ranked)s, %(exponent)s))::bigint AS upto
    FROM generate_series(%(start)s, %(stop)s) AS r
), rows AS MATERIALIZED (
    SELECT ranks.before + j AS id, ranks.summary_id, j,
           1 + floor(%(users)s * power(random(), 2))::bigint AS author_id,
           bench_text(%(words)s, %(suffixes)s, 8 + floor(random() * 25)::int, 0) AS words,
           s.created_at
               + (now() - s.created_at) * ((j - 1 + random()) / (ranks.upto - ranks.before))
               AS created_at,
           random() AS luck
    FROM ranks JOIN summaries_summary s ON s.id = ranks.summary_id,
         generate_series(1, ranks.upto - ranks.before) AS j
)
INSERT INTO summaries_comment (id, summary_id, author_id, parent_id, body, body_html,
                               renderer_version, created_at, deleted_at, is_hidden)
SELECT rows.id, rows.summary_id, rows.author_id, CASE WHEN j %% 3 = 0 THEN rows.id - 1 END,
       CASE WHEN luck < 0.01 THEN '' ELSE rows.words || E'\\n\\n' || t.body END,
       CASE WHEN luck < 0.01 THEN '' ELSE '<p>' || rows.words || E'</p>\\n' || t.body_html END,
       %(renderer_version)s, rows.created_at,
       CASE WHEN luck < 0.01 THEN rows.created_at + interval '1 hour' END, luck >= 0.995
FROM rows JOIN bench_template t ON t.kind = 'comment' AND t.n = 1 + rows.id %% %(templates)s
"""

# Votes by distinct users other than the author, mostly up.
INSERT_VOTES = """
WITH s AS MATERIALIZED (
    SELECT id, author_id, created_at, floor(%(max_votes)s * power(random(), 5))::int AS n
    FROM summaries_summary WHERE id BETWEEN %(start)s AND %(stop)s
), rows AS MATERIALIZED (
    SELECT s.id, 1 + (s.author_id + (j::bigint * %(voter_step)s) %% (%(users)s - 1)) %% %(users)s
               AS user_id,
           s.created_at + (now() - s.created_at) * random() AS created_at, random() AS luck
    FROM s, generate_series(0, s.n - 1) AS j
)
INSERT INTO summaries_vote (summary_id, user_id, value, created_at, updated_at)
SELECT id, user_id, CASE WHEN luck < 0.85 THEN 1 ELSE -1 END, created_at, created_at FROM rows
"""
# The score is the sum of the votes, and hotness follows it (summaries.ranking.hotness).
UPDATE_SCORES = """
UPDATE summaries_summary s
SET score = v.total,
    hotness = round((v.total + extract(epoch FROM s.created_at) / %(seconds_per_vote)s)::numeric, 7)
FROM (SELECT summary_id, sum(value) AS total FROM summaries_vote
      WHERE summary_id BETWEEN %(start)s AND %(stop)s GROUP BY summary_id) AS v
WHERE s.id = v.summary_id
"""
INSERT_CITATIONS = """
INSERT INTO summaries_citation (summary_id, key)
SELECT s.id, lower(c.key)
FROM summaries_summary s
JOIN bench_template t ON t.kind = 'summary' AND t.n = 1 + s.id %% %(templates)s,
     unnest(t.cites) AS c(key)
WHERE s.id BETWEEN %(start)s AND %(stop)s
"""
# The documents as search.services makes them (the readable text of each); the trigger
# computes their vectors.
INSERT_DOCUMENTS = {
    # Abstracts are plain words here as in the search benchmark: the same documents.
    "papers": search_bench.INSERT_DOCUMENTS["papers"],
    "summaries": """
INSERT INTO search_document (kind, object_id, paper_id, summary_id, title, names, body, venue,
                             year, updated_at)
SELECT 'summary', s.id, p.id, s.id, '', '',
       split_part(s.body, E'\\n\\n', 1) || ' ' || t.plain, p.venue, p.year, now()
FROM summaries_summary s JOIN papers_paper p ON p.id = s.paper_id
JOIN bench_template t ON t.kind = 'summary' AND t.n = 1 + s.id %% %(summary_templates)s
WHERE NOT s.is_private AND NOT s.is_hidden AND s.id BETWEEN %(start)s AND %(stop)s
""",
    "comments": """
INSERT INTO search_document (kind, object_id, paper_id, summary_id, title, names, body, venue,
                             year, updated_at)
SELECT 'comment', c.id, p.id, s.id, '', '',
       split_part(c.body, E'\\n\\n', 1) || ' ' || t.plain, p.venue, p.year, now()
FROM summaries_comment c JOIN summaries_summary s ON s.id = c.summary_id
JOIN papers_paper p ON p.id = s.paper_id
JOIN bench_template t ON t.kind = 'comment' AND t.n = 1 + c.id %% %(comment_templates)s
WHERE NOT s.is_private AND NOT s.is_hidden AND NOT c.is_hidden AND c.deleted_at IS NULL
  AND c.id BETWEEN %(start)s AND %(stop)s
""",
}


class Sizes:
    def __init__(self, scale):
        self.users = max(20, round(USERS * scale))
        self.papers = max(10, round(PAPERS * scale))
        self.summaries = max(10, round(SUMMARIES * scale))
        self.comments = max(10, round(COMMENTS * scale))
        self.ranked_papers = max(1, round(self.papers * SUMMARIZED_PAPERS))
        self.ranked_summaries = max(1, round(self.summaries * DISCUSSED_SUMMARIES))
        # The most summaries one paper gets must not exceed the users, who write one each.
        most = self.summaries * (1 / self.ranked_papers) ** RANK_EXPONENT
        if most > self.users:
            raise ValueError(f"{self.summaries} summaries of {self.papers} papers need more users")

    def __str__(self):
        return (
            f"{self.users:,} users, {self.papers:,} papers, {self.summaries:,} summaries, "
            f"{self.comments:,} comments"
        )


def step_for(count):
    """A multiplier prime to `count`: rank -> 1 + (rank - 1) * step mod count is a
    permutation of 1..count."""
    step = 7919
    while math.gcd(step, count) != 1:
        step += 2
    return step


def generate(sizes, log=print):
    """Fill an empty, migrated database. Returns the seconds each step took."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM papers_paper)")
        if cursor.fetchone()[0]:
            raise RuntimeError("the database already has papers: an empty one is needed")
    templates, derived = store_templates()
    with connection.cursor() as cursor:
        cursor.execute(search_bench.CREATE_FUNCTIONS)
        # Loading first and indexing afterwards is much faster than keeping the GIN
        # index up to date row by row.
        cursor.execute("DROP INDEX search_document_vector_gin")
    params = {
        "words": search_bench.VOCABULARY,
        "suffixes": search_bench.SUFFIXES,
        "title_skip": search_bench.TITLE_SKIP,
        "firsts": search_bench.FIRST_NAMES,
        "lasts": search_bench.LAST_NAMES,
        "venues": search_bench.VENUES,
        "venue_count": len(search_bench.VENUES),
        "renderer_version": RENDERER_VERSION,
        "seconds_per_vote": 2 * 24 * 3600,
        "exponent": RANK_EXPONENT,
        "users": sizes.users,
        "papers": sizes.papers,
        "summaries": sizes.summaries,
        "comments": sizes.comments,
        "bios": templates["bio"],
        "summary_templates": templates["summary"],
        "comment_templates": templates["comment"],
    }
    timings = {}

    def step(label, sql, total, **extra):
        started = time.perf_counter()
        search_bench.in_parallel(sql, total, {**params, **extra}, batch=BATCH)
        timings[label] = time.perf_counter() - started
        log(f"  {label}: {timings[label]:.1f} s")

    # Columns that later migrations added and the statements above do not name.
    updates = {
        kind: columns.derived_update(table, kind, derived[kind], log)
        for table, kind in DERIVED_TABLES
    }
    temporary_defaults = columns.TemporaryDefaults(
        [
            INSERT_USERS,
            INSERT_EMAIL_ADDRESSES,
            INSERT_PAPERS,
            INSERT_SUMMARIES,
            INSERT_COMMENTS,
            INSERT_VOTES,
        ]
        + [INSERT_CITATIONS, *INSERT_DOCUMENTS.values()],
        log,
        derived={(table, name) for table, kind in DERIVED_TABLES for name in derived[kind]},
    )
    with temporary_defaults:
        step("users", INSERT_USERS, sizes.users)
        step("e-mail addresses", INSERT_EMAIL_ADDRESSES, sizes.users)
        step("papers", INSERT_PAPERS, sizes.papers)
        step(
            "summaries",
            INSERT_SUMMARIES,
            sizes.ranked_papers,
            ranked=sizes.ranked_papers,
            paper_step=step_for(sizes.papers),
            templates=templates["summary"],
        )
        step(
            "comments",
            INSERT_COMMENTS,
            sizes.ranked_summaries,
            ranked=sizes.ranked_summaries,
            summary_step=step_for(sizes.summaries),
            templates=templates["comment"],
        )
        totals = {"summary": sizes.summaries, "comment": sizes.comments}
        for table, kind in DERIVED_TABLES:
            if updates[kind]:
                step(
                    f"{table}: derived fields",
                    updates[kind],
                    totals[kind],
                    templates=templates[kind],
                )
        step(
            "votes",
            INSERT_VOTES,
            sizes.summaries,
            max_votes=min(MAX_VOTES, sizes.users - 2),
            voter_step=step_for(sizes.users - 1),
        )
        step("scores", UPDATE_SCORES, sizes.summaries)
        step("citations", INSERT_CITATIONS, sizes.summaries, templates=templates["summary"])
        for name, total in (
            ("papers", sizes.papers),
            ("summaries", sizes.summaries),
            ("comments", sizes.comments),
        ):
            step(f"search documents of {name}", INSERT_DOCUMENTS[name], total)

    # The profiles' counts, which the site keeps as it writes (accounts.counts): rows
    # written in SQL are counted once, here.
    started = time.perf_counter()
    counts.recount_all()
    timings["profile counts"] = time.perf_counter() - started
    log(f"  profile counts: {timings['profile counts']:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute(search_bench.DROP_FUNCTIONS)
        cursor.execute("DROP TABLE bench_template")
        for table in ("accounts_user", "papers_paper", "summaries_summary", "summaries_comment"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        started = time.perf_counter()
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX search_document_vector_gin ON search_document USING gin (search_vector)"
        )
        timings["GIN index"] = time.perf_counter() - started
        log(f"  GIN index: {timings['GIN index']:.1f} s")
        started = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum analyze"] = time.perf_counter() - started
        log(f"  vacuum analyze: {timings['vacuum analyze']:.1f} s")
    return timings


def store_templates():
    """Render the texts once, through the site's pipeline, into bench_template, with
    whatever else the models derive from a text (bench/columns.py).

    Returns how many there are of each kind, and the names of the derived fields."""
    kinds = {
        "summary": [
            (text, render_text(text, flavor="summary"), columns.derived_fields(Summary, text))
            for text in summary_texts()
        ],
        "comment": [
            (text, render_text(text, flavor="comment"), columns.derived_fields(Comment, text))
            for text in comment_texts()
        ],
        # As accounts.models.User renders a bio.
        "bio": [(text, render(text, flavor="comment"), {}) for text in BIOS],
    }
    with connection.cursor() as cursor:
        cursor.execute(TEMPLATE_TABLE)
        for kind, rows in kinds.items():
            cursor.executemany(
                "INSERT INTO bench_template VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (kind, n, text, html, readable_text(html), sorted(cited_keys(text)))
                    + (columns.as_json(extra),)
                    for n, (text, html, extra) in enumerate(rows, start=1)
                ],
            )
    counts = {kind: len(rows) for kind, rows in kinds.items()}
    derived = {
        kind: sorted({name for *_, extra in rows for name in extra}) for kind, rows in kinds.items()
    }
    return counts, derived


def report_sizes(log=print):
    with connection.cursor() as cursor:
        counts = []
        for table, label in (
            ("accounts_user", "users"),
            ("papers_paper", "papers"),
            ("summaries_summary", "summaries"),
            ("summaries_comment", "comments"),
            ("summaries_vote", "votes"),
            ("search_document", "search documents"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts.append(f"{cursor.fetchone()[0]:,} {label}")
        cursor.execute(
            "SELECT count(*) FILTER (WHERE is_private), count(*) FILTER (WHERE is_anonymous), "
            "count(*) FILTER (WHERE is_hidden), min(score), max(score) FROM summaries_summary"
        )
        private, anonymous, hidden, low, high = cursor.fetchone()
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        (size,) = cursor.fetchone()
    log(", ".join(counts))
    log(
        f"summaries: {private:,} private, {anonymous:,} anonymous, {hidden:,} hidden, "
        f"scores {low} to {high}; database {size}"
    )
