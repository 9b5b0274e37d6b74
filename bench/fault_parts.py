"""Parts 1, 2 and 4 of the load and fault test (bench/fault.py): comments and votes sent
all at once, and double submits."""

import time
import uuid
from collections import Counter

from bench.fault_http import (
    IDEMPOTENCY_FIELD,
    Part,
    all_at_once,
    bodies_of,
    is_comment_redirect,
    milliseconds,
    vote_in,
)

# --- Part 1: concurrent comments -----------------------------------------------------


def concurrent_comments(browsers, summary):
    part = Part(f"Part 1: {len(browsers)} comments posted at once")
    bodies = [f"Concurrent comment {n} ({uuid.uuid4()})." for n in range(len(browsers))]
    started = time.monotonic()
    replies = all_at_once(
        len(browsers),
        lambda n: browsers[n].post_comment(summary.pk, bodies[n], str(uuid.uuid4())),
    )
    part.say(f"all answered in {time.monotonic() - started:.2f} s; {milliseconds(replies)}")
    statuses = Counter(reply.status for reply in replies)
    good = [reply for reply in replies if is_comment_redirect(reply, summary.pk)]
    part.check(
        len(good) == len(browsers),
        f"{len(good)} of {len(browsers)} answered with a redirect to the new comment "
        f"(statuses {dict(statuses)})",
    )
    part.check(
        len({reply.location for reply in good}) == len(good),
        f"{len({reply.location for reply in good})} distinct comment links",
    )
    stored = Counter(bodies_of(summary))
    part.check(
        sum(stored.values()) == len(browsers),
        f"{sum(stored.values())} comments stored (expected {len(browsers)})",
    )
    part.check(
        all(stored[body] == 1 for body in bodies),
        f"each text stored once ({sum(stored[body] == 1 for body in bodies)} of {len(bodies)})",
    )
    return part.finish()


# --- Part 2: concurrent votes -------------------------------------------------------


def concurrent_votes(browsers, summary):
    from summaries.models import Summary, Vote

    part = Part(f"Part 2: {len(browsers)} votes cast at once on one summary")
    ups = len(browsers) * 3 // 5
    values = ["up"] * ups + ["down"] * (len(browsers) - ups)
    expected = ups - (len(browsers) - ups)
    part.say(f"{ups} up, {len(browsers) - ups} down: expected score {expected:+d}")
    started = time.monotonic()
    replies = all_at_once(
        len(browsers), lambda n: browsers[n].vote(summary.pk, values[n], str(uuid.uuid4()))
    )
    part.say(f"all answered in {time.monotonic() - started:.2f} s; {milliseconds(replies)}")

    confirmed = sum(vote_in(r) == v for r, v in zip(replies, values, strict=True))
    part.check(
        confirmed == len(browsers),
        f"{confirmed} of {len(browsers)} answered 200 with their own vote "
        f"(statuses {dict(Counter(reply.status for reply in replies))})",
    )
    score = Summary.objects.get(pk=summary.pk).score
    rows = Vote.objects.filter(summary=summary)
    total = sum(rows.values_list("value", flat=True))
    part.check(score == expected, f"stored score {score:+d} (expected {expected:+d})")
    part.check(rows.count() == len(browsers), f"{rows.count()} vote rows")
    part.check(total == expected, f"the votes add up to {total:+d}")
    return part.finish()


# --- Part 4: double submits ---------------------------------------------------------


def double_submits(pair_browsers, retry_browsers, summary, form_html):
    """Repeats of one post, told apart from new posts by their idempotency key.

    Comments alone are a weak test: the site also drops a second identical comment
    posted within minutes, by its text, though not when both arrive at the same moment.
    Votes are the strong one: without the key, the repeat of a vote takes it back.
    """
    from summaries.models import Summary, Vote

    pairs, retries = len(pair_browsers), len(retry_browsers)
    part = Part(
        f"Part 4: {pairs} comments and {pairs} votes submitted twice at once, {retries} "
        "votes sent again after their answer"
    )
    part.say(
        "the comment form carries an idempotency key: "
        + ("yes" if IDEMPOTENCY_FIELD.search(form_html) else "NO")
    )
    # Two clients with the same cookies: one user's browser sending its form twice.
    twins = [browser.copy() for browser in pair_browsers for _ in range(2)]
    keys = [str(uuid.uuid4()) for _ in pair_browsers]
    bodies = [f"Double submit {n} ({keys[n]})." for n in range(pairs)]
    replies = all_at_once(
        len(twins), lambda n: twins[n].post_comment(summary.pk, bodies[n // 2], keys[n // 2])
    )
    same_answer = sum(
        bool(is_comment_redirect(first, summary.pk)) and first.location == second.location
        for first, second in zip(replies[::2], replies[1::2], strict=True)
    )
    part.check(
        same_answer == pairs,
        f"{same_answer} of {pairs} comment pairs both redirected to the same comment",
    )
    stored = Counter(bodies_of(summary))
    once = sum(stored[body] == 1 for body in bodies)
    part.check(once == pairs, f"{once} of {pairs} comments submitted twice stored once")

    keys = [str(uuid.uuid4()) for _ in pair_browsers]
    replies = all_at_once(len(twins), lambda n: twins[n].vote(summary.pk, "up", keys[n // 2]))
    both_up = sum(vote_in(reply) == "up" for reply in replies)
    part.check(
        both_up == 2 * pairs, f"{both_up} of {2 * pairs} answers to the votes sent twice say up"
    )

    kept = 0
    for browser in retry_browsers:
        key = str(uuid.uuid4())
        first = browser.vote(summary.pk, "down", key)
        again = browser.vote(summary.pk, "down", key)
        kept += vote_in(first) == "down" and vote_in(again) == "down"
    part.check(kept == retries, f"{kept} of {retries} votes sent again answered down both times")
    expected = pairs - retries
    score = Summary.objects.get(pk=summary.pk).score
    rows = Vote.objects.filter(summary=summary).count()
    part.check(
        score == expected and rows == pairs + retries,
        f"score {score:+d} from {rows} vote rows (expected {expected:+d} from "
        f"{pairs + retries}: no repeat took a vote back)",
    )

    # A key comes back with a different text when a page restored from the browser's
    # history is changed and sent: that is a new post, and its text must not be dropped.
    changed = 0
    for n, browser in enumerate(retry_browsers):
        key = str(uuid.uuid4())
        browser.post_comment(summary.pk, f"Reused key {n}, first text ({key}).", key)
        text = f"Reused key {n}, changed text ({key})."
        reply = browser.post_comment(summary.pk, text, key)
        changed += bool(is_comment_redirect(reply, summary.pk)) and text in bodies_of(summary)
    part.check(
        changed == retries,
        f"{changed} of {retries} changed texts sent with a used key were stored, not dropped",
    )
    return part.finish()
