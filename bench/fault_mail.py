"""Part 5 of the load and fault test (bench/fault.py): the background worker killed
(SIGKILL) in the middle of a task that is sending mail, then started again.

Comments and replies are posted through gunicorn; each enqueues a mail task. The
worker (`manage.py run_worker`, as deployed) sends to a local SMTP server (aiosmtpd on
the loopback) that takes a message as a real one does: only once its end of DATA has
been answered. That server holds the RCPT of one chosen mail, the second of a reply's
two, so the worker is killed while that task is half done (its first mail accepted)
and in the middle of an SMTP transaction. The worker is started again under the same
id; every mail the posts call for must arrive, and none twice.
"""

import asyncio
import email
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from email import policy
from pathlib import Path

from bench.fault_http import Part, is_comment_redirect

BASE_DIR = Path(__file__).resolve().parent.parent
WORKER_ID = "fault-worker"
COMMENT_LINK = re.compile(r"\?comment=(\d+)")


class SinkHandler:
    """aiosmtpd's handler: keeps what it accepted, and holds the `hold_at`-th RCPT
    until `release` is set."""

    def __init__(self, hold_at):
        self.hold_at = hold_at
        self.rcpts = 0
        self.holding = threading.Event()
        self.release = threading.Event()
        self.messages = []  # (To, comment id, Message-ID)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.rcpts == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = COMMENT_LINK.search(text)
        with self.lock:
            self.messages.append(
                (message["To"], int(link.group(1)) if link else None, message["Message-ID"])
            )
        return "250 Message accepted for delivery"


class Worker:
    """`manage.py run_worker` sending to the sink, its output appended to `log`."""

    def __init__(self, smtp_port, log):
        env = dict(
            os.environ,
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(smtp_port),
            EMAIL_USE_TLS="0",
            EMAIL_TIMEOUT="10",
        )
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_worker",
                "--worker-id",
                WORKER_ID,
                "--interval",
                "0.1",
                "--no-startup-delay",
                "--no-reload",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def worker_killed_mid_mail(askers, repliers, summary, log_path):
    """`askers` (browsers) each ask a question under `summary`, whose author wants mail
    of comments and the askers mail of replies; `repliers` each answer one. A question's
    task sends one mail, a reply's two; the worker is killed holding the second of the
    first reply's."""
    from aiosmtpd.controller import Controller
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from accounts.models import User
    from bench.fault import free_port
    from summaries.models import Comment

    part = Part("Part 5: the worker killed while it sends a task's mail, then restarted")
    questions = len(askers)
    # The questions' mails come first (one each), then each reply's two, in order.
    hold_at = questions + 2
    handler = SinkHandler(hold_at)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    with open(log_path, "ab") as log:
        worker = Worker(controller.port, log)
        restarted = None
        started = time.monotonic()
        try:
            path = f"/summaries/{summary.pk}/comments/"
            asked = [
                browser.post_comment(summary.pk, f"Question {n} ({uuid.uuid4()})?", new_key())
                for n, browser in enumerate(askers)
            ]
            answered = []
            for n, (browser, question) in enumerate(zip(repliers, asked, strict=True)):
                parent = COMMENT_LINK.search(question.location or "")
                fields = {
                    "csrfmiddlewaretoken": browser.csrf_token,
                    "body": f"Answer {n} ({uuid.uuid4()}).",
                    "idempotency_key": new_key(),
                    "parent": parent.group(1) if parent else "",
                }
                answered.append(browser.request("POST", path, fields))
            posted = [r for r in asked + answered if is_comment_redirect(r, summary.pk)]
            part.check(
                len(posted) == 2 * questions,
                f"{len(posted)} of {2 * questions} comments and replies posted through gunicorn",
            )

            held = handler.holding.wait(timeout=60)
            part.check(held, f"the SMTP server holds mail {hold_at} in its RCPT")
            running = list(
                DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list(
                    "pk", "args_kwargs"
                )
            )
            accepted_before = len(handler.messages)
            worker.kill()
            handler.release.set()
            part.check(
                len(running) == 1 and accepted_before == hold_at - 1,
                f"worker killed (SIGKILL) with {len(running)} task running, "
                f"{accepted_before} mails accepted before",
            )

            restarted = Worker(controller.port, log)

            def drained():
                return not DBTaskResult.objects.filter(
                    status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
                ).exists()

            done = wait_for(drained, timeout=60)
            part.check(done, "the restarted worker drained the queue (no task ready or running)")
            failed = DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()
            ran = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL).count()
            part.check(
                failed == 0, f"{ran} tasks ran (the earlier parts' comments' too), {failed} failed"
            )
            if running:
                (task_id, _), *_ = running
                ids = DBTaskResult.objects.get(pk=task_id).worker_ids
                part.check(
                    ids == [WORKER_ID, WORKER_ID],
                    f"the interrupted task was taken back and run again (claimed {len(ids)} times)",
                )

            # What the posts call for, read from the rows they made: the summary's author
            # hears of every comment, each asker of the answer to their question.
            owner = User.objects.get(pk=summary.author_id)
            comments = Comment.objects.filter(summary=summary).select_related("author", "parent")
            expected = set()
            for comment in comments:
                expected.add((owner.email, comment.pk))
                if comment.parent_id:
                    expected.add((comment.parent.author.email, comment.pk))
            with handler.lock:
                received = [(to, cid) for to, cid, _ in handler.messages]
                message_ids = [mid for _, _, mid in handler.messages]
            lost = expected - set(received)
            part.check(not lost, f"{len(expected) - len(lost)} of {len(expected)} mails arrived")
            twice = len(received) - len(set(received))
            part.check(
                twice == 0 and len(set(message_ids)) == len(message_ids),
                f"{len(received)} mails received, {twice} of them twice",
            )
            unexpected = set(received) - expected
            part.check(not unexpected, f"{len(unexpected)} mails nobody should have had")
            part.say(f"{time.monotonic() - started:.1f} s from the first post to the last mail")
        finally:
            handler.release.set()
            worker.stop()
            if restarted is not None:
                restarted.stop()
            controller.stop()
    return part.finish()


def new_key():
    return str(uuid.uuid4())
