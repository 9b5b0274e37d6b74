"""The shapes of the API's answers, which the OpenAPI schema (/api/schema) describes.

No shape has a user id: a person appears only by username, and an anonymous summary's
author not at all (`author` is null, `byline` says "Anonymous").
"""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class PaperRef(Schema):
    key: str = Field(description="The paper's canonical BibTeX key; keys may hold slashes.")
    title: str = Field(description="The title as text, its LaTeX math read as symbols.")
    authors: list[str]
    venue: str
    year: int | None
    arxiv_id: str = Field(description='Without version, e.g. "1706.03762"; "" when none.')
    doi: str = Field(description='Without prefix; "" when none.')
    url: str = Field(description="The paper's page on the site.")
    api_url: str


class Paper(PaperRef):
    abstract_html: str = Field(description="Stored, sanitized HTML; math as KaTeX HTML.")
    public_summary_count: int
    summaries_url: str = Field(description="The API listing of its public summaries.")


class Author(Schema):
    username: str
    display_name: str
    url: str = Field(description="Their profile page.")


class Summary(Schema):
    id: int
    url: str = Field(description="The summary's page on the site.")
    api_url: str
    paper: PaperRef
    author: Author | None = Field(description="Null when the summary is anonymous.")
    byline: str = Field(description='The username, or "Anonymous".')
    score: int
    comment_count: int
    created_at: datetime
    edited_at: datetime | None
    html: str = Field(description="Stored, sanitized HTML: the whole text, or its excerpt.")
    html_is_excerpt: bool
    markdown: str | None = Field(
        description="The Markdown source; only where the whole text is given."
    )


class Comment(Schema):
    id: int
    url: str
    parent_id: int | None = Field(
        description="The comment it replies to (which may be deleted, and then not listed)."
    )
    author: Author | None = Field(
        description="Null for the anonymous summary's own author and for deleted accounts."
    )
    byline: str = Field(
        description="""The username, "The summary's author" or "A deleted account"."""
    )
    created_at: datetime
    edited_at: datetime | None
    html: str = Field(description="Stored, sanitized HTML: the whole text, or its excerpt.")
    html_is_excerpt: bool
    markdown: str


class SummaryPage(Schema):
    results: list[Summary]
    next: str | None = Field(description="The next page's address; null on the last page.")
    previous: str | None


class CommentPage(Schema):
    results: list[Comment]
    next: str | None
    previous: str | None


class SearchResult(Schema):
    kind: str = Field(description='"paper", "summary" or "comment".')
    url: str
    paper: PaperRef
    summary_id: int | None
    byline: str | None = Field(description="A summary's byline; null for papers and comments.")
    snippet_html: str = Field(description="Where the words matched, in <mark>.")


class SearchPage(Schema):
    query: str
    paper: PaperRef | None = Field(description="The paper the query names, if it names one.")
    count: int = Field(description="Matches counted, at most 500.")
    capped: bool = Field(description="True when there are 500 or more matches.")
    results: list[SearchResult]
    next: str | None
    previous: str | None


class LookupRequest(Schema):
    ids: list[str] = Field(description="arXiv ids and DOIs, in any spelling; at most 100.")


class LookupResult(Schema):
    id: str = Field(description="As sent.")
    arxiv_id: str = Field(description='As read; "" when it is none.')
    doi: str
    found: bool = Field(description="Whether the site has the paper.")
    paper: PaperRef | None
    public_summary_count: int
    error: str | None = Field(description="Why the id could not be read, if it could not.")


class LookupPage(Schema):
    results: list[LookupResult]
    with_summaries: int = Field(description="How many of the ids have public summaries.")


class Error(Schema):
    detail: str
