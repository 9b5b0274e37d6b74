"""The site's main pages, with content like real use, for the page-wide checks.

The accessibility and HTML validity tests look at the same pages: a problem in a
template shows on every page that uses it, so one representative of each kind is
checked, filled with the things that tend to break them (display math wider than a
phone, a table, highlighted code, an image, citations, a footnote, comments).
"""

from dataclasses import dataclass

from following.models import Notification
from following.services import follow
from papers import corrections
from papers.merging import merge_papers
from papers.models import PaperCorrection
from summaries.models import Summary
from tests.factories import make_comment, make_paper, make_summary, make_user
from topics.models import Topic

AUTHOR = "ada"
READER = "grace"
MODERATOR = "moderator"

# `{image}` becomes an absolute URL on the site under test (the sanitizer keeps only
# those), `{wide_formula}` becomes WIDE_FORMULA.
# Its headings start at "#": markup demotes them by a fixed step, so a summary that
# starts at "##" skips a heading level on its own page.
SUMMARY_WITH_MATH = r"""# The idea

The Transformer drops recurrence: every position attends to every other one, so the
path between two tokens has constant length. It builds on \cite{conf/iclr/BahdanauCB14}
and is trained with `Adam`[^adam].

{wide_formula}

Why divide by $\sqrt{d_k}$? Each product $q_i k_i$ has variance 1, so the logit
$q \cdot k = \sum_{i=1}^{d_k} q_i k_i$ has variance $d_k$.

## Results

| Model | BLEU (en-de) | BLEU (en-fr) | Training cost (FLOPs) |
|---|---|---|---|
| Transformer (base) | 27.3 | 38.1 | $3.3 \cdot 10^{18}$ |
| Transformer (big) | 28.4 | 41.8 | $2.3 \cdot 10^{19}$ |

```python
def attention(q, k, v):
    # Scaled dot-product attention, one head.
    scores = q @ k.T / math.sqrt(k.shape[-1])
    return softmax(scores) @ v
```

> Attention alone, without recurrence, is enough.

![The encoder and decoder stacks]({image})

1. First, the encoder.
2. Then the decoder, which attends to the encoder's output.

[^adam]: With $\beta_2 = 0.98$ and a warm-up of 4000 steps.
"""

# Wider than a phone's screen, on one line as display math must be.
WIDE_FORMULA = (
    r"$$\operatorname{Attention}(Q, K, V) = \operatorname{softmax}\left(\frac{Q K^\top}"
    r"{\sqrt{d_k}}\right) V \quad\text{where}\quad Q = X W_Q,\; K = X W_K,\; "
    r"V = X W_V,\; d_k = d_{\text{model}} / h$$"
)

# Each kind of answer: summaries, no summary, not here, a repeat, an entry that cannot be read; and
# an entry longer than a phone is wide.
READING_LIST = "\n".join(
    [
        "https://arxiv.org/abs/1706.03762v5",
        "conf/iclr/BahdanauCB14",
        "conf/nips/Unsummarised",
        "https://doi.org/10.1145/3065386",
        "arXiv:1706.03762",
        "a title is not a name",
        "https://doi.org/10.1000/" + "a-very-long-suffix-" * 6,
    ]
)

LONG_SUMMARY = "\n\n".join(
    f"Paragraph {n}. The method is explained at length here, with $x_{n}^2$ in it. " * 6
    for n in range(1, 10)
)


@dataclass(frozen=True)
class SitePage:
    name: str
    path: str
    # Pages only a logged-in user sees are visited as this user.
    user: str | None = None
    # A page that answers a form: the form at `path` is filled in with these fields (by
    # name) and sent, and its answer is the page.
    post: tuple = ()


def build_site(base_url):
    """Make the test data and return the pages to check, in a fixed order."""
    author = make_user(AUTHOR)
    reader = make_user(READER)
    moderator = make_user(MODERATOR, is_staff=True)
    cited = make_paper(
        "conf/iclr/BahdanauCB14",
        title="Neural Machine Translation by Jointly Learning to Align and Translate",
        authors="Dzmitry Bahdanau, Kyunghyun Cho, Yoshua Bengio",
        venue="ICLR",
        year=2015,
    )
    paper = make_paper(
        "conf/nips/VaswaniSPUJGKP17",
        title="Attention Is All You Need",
        authors="Ashish Vaswani, Noam Shazeer, Niki Parmar, Jakob Uszkoreit, Llion Jones, "
        "Aidan N. Gomez, Lukasz Kaiser, Illia Polosukhin",
        venue="NeurIPS",
        year=2017,
        abstract="The Transformer, built from attention alone: $O(n^2 \\cdot d)$ per layer.",
        url="https://example.org/attention.pdf",
        arxiv_id="1706.03762",
    )
    image = f"{base_url.rstrip('/')}/static/img/favicon.svg"
    body = SUMMARY_WITH_MATH.replace("{image}", image).replace("{wide_formula}", WIDE_FORMULA)
    summary = make_summary(paper=paper, author=author, body=body)
    Summary.objects.filter(pk=summary.pk).update(score=3)
    make_summary(paper=paper, author=reader, body="A second view: $h = 8$ heads are enough.")
    make_comment(summary, author=reader, body="The variance argument is in a footnote: $d_k$.")
    answer = make_comment(summary, author=author, body="Thanks, added.")
    make_summary(paper=cited, author=reader, body=LONG_SUMMARY)
    # A correction accepted (the paper's history shows it) and one waiting (the queue).
    accepted, _ = (
        PaperCorrection.objects.create(
            paper=paper,
            suggested_by=reader,
            proposed=proposed,
            original={name: getattr(paper, name) for name in proposed},
            reason="The proceedings call it NeurIPS since 2018.",
        )
        for proposed in ({"venue": "NeurIPS"}, {"year": 2018, "abstract": "The Transformer."})
    )
    corrections.accept(accepted.pk, by=moderator)
    # Two pages of one paper, merged: the merge log has an entry to undo.
    merge_papers(make_paper("conf/icml/Kept19"), make_paper("journals/corr/Dup19"), by=moderator)
    make_paper("conf/nips/Unsummarised", title="A paper nobody has summarised yet")
    # The reader follows the paper and a topic; their inbox holds a summary and a reply.
    # Seeded by a migration, gone once a browser test has flushed the database.
    topic, _ = Topic.objects.get_or_create(slug="cs.CL", name="Computation and Language")
    paper.topics.add(topic)
    follow(reader, "paper", paper)
    follow(reader, "topic", topic)
    Notification.objects.create(recipient=reader, kind="paper", actor=author, summary=summary)
    Notification.objects.create(
        recipient=reader, kind="reply", actor=author, summary=summary, comment=answer
    )

    return [
        SitePage("homepage", "/"),
        SitePage("paper page", paper.get_absolute_url()),
        SitePage("summary with math", summary.get_absolute_url()),
        SitePage("summary form", f"/summaries/write/{cited.bibtex_key}/", user=AUTHOR),
        SitePage("profile", f"/user/{AUTHOR}/"),
        SitePage("paper history", f"/papers/history/{paper.bibtex_key}/"),
        SitePage("correction form", f"/papers/correct/{paper.bibtex_key}/", user=AUTHOR),
        SitePage("correction queue", "/papers/corrections/", user=MODERATOR),
        SitePage("search results", "/search?q=attention"),
        SitePage("search, spelling corrected", "/search?q=atention"),
        SitePage("reading list form", "/papers/coverage/"),
        SitePage(
            "reading list checked",
            "/papers/coverage/",
            post=(("text", READING_LIST),),
        ),
        SitePage("venue across years", "/venue/NeurIPS/"),
        SitePage("topics", "/topic/"),
        SitePage("topic", "/topic/cs.CL/"),
        SitePage("following tab", "/following/", user=READER),
        SitePage("inbox", "/notifications/", user=READER),
        SitePage("formatting help", "/help/syntax/"),
        SitePage("login", "/accounts/login/"),
        SitePage("signup", "/accounts/signup/"),
        SitePage("password reset", "/accounts/password/reset/"),
        SitePage("e-mail address", "/accounts/email/", user=AUTHOR),
        SitePage("two-factor", "/accounts/2fa/", user=AUTHOR),
        SitePage("password asked again", "/accounts/reauthenticate/", user=AUTHOR),
        SitePage("connected accounts", "/accounts/3rdparty/", user=AUTHOR),
        SitePage(
            "merge page",
            f"/papers/merge/?kept={paper.bibtex_key}&merged={cited.bibtex_key}",
            user=MODERATOR,
        ),
        SitePage("merge log", "/papers/merges/", user=MODERATOR),
        SitePage("access tokens", "/accounts/settings/tokens/", user=READER),
        SitePage(
            "access token made",
            "/accounts/settings/tokens/",
            user=AUTHOR,
            post=(("name", "Browser extension"),),
        ),
    ]
