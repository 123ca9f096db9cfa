"""The worker: a Huey consumer (``mbtrain worker``) that delivers the mail outbox and runs
the nightly jobs, outside any request.

The outbox table is the queue of record (mbtrain/mail/models.py): a message exists once the
request that made it commits, and ``deliver_due`` tries what is due with growing pauses.
Huey brings it to the worker: after the commit ``nudge_mail`` enqueues a delivery at once,
and a sweep every minute delivers whatever a nudge missed (the queue was down, a worker was
killed mid-send), so nothing is lost with the queue either. Its store is Redis in production
(``MBTRAIN_QUEUE_URL=redis://…``) and a SQLite file in the data directory otherwise.

Certificate batches (mbtrain/certificates/batches.py) go the same way: the batch row is the
queue of record, ``nudge_certificates`` starts it after the commit, the worker commits after
each person, and the minute's sweep resumes any batch a killed worker left unfinished.

The nightly jobs (statuses that follow from the calendar, the report figures, the retention
purge) are periodic tasks at 23:05 UTC (00:05 in Norway in winter, 01:05 in summer).
With ``JOBS_IMMEDIATE`` (the tests) a nudge delivers (or issues) in the same process after
the commit.
"""

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from mbtrain.extensions import db

log = logging.getLogger(__name__)

huey = Huey("mbtrain", results=False, storage_class=MemoryStorage)  # bound in init_app
_bound: dict[str, Flask] = {}


def init_app(app: Flask) -> None:
    """Point the queue at this app's store; the worker's tasks run in this app."""
    _bound["app"] = app
    url = app.config.get("QUEUE_URL") or ""
    if app.config.get("JOBS_IMMEDIATE"):
        return  # nothing is queued: nudge_mail delivers in this process
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class, huey.storage_kwargs = RedisStorage, {"url": url}
    else:
        path = url.removeprefix("sqlite://") or Path(app.config["DATA_DIR"]) / "jobs.sqlite3"
        huey.storage_class, huey.storage_kwargs = SqliteStorage, {"filename": str(path)}
    huey.storage = huey.create_storage()


def nudge_mail(ids: list[int]) -> None:
    """Ask the worker to deliver these committed messages now. If the queue cannot be
    reached the messages wait in the outbox for the next sweep (within a minute)."""
    if current_app.config.get("JOBS_IMMEDIATE"):
        from mbtrain.mail.services import deliver_due

        deliver_due(ids=ids)
        return
    try:
        deliver_mail(ids)
    except Exception as error:  # the queue's store is down: the sweep sends them later
        log.warning("job queue unreachable (%s); mail %s waits for the sweep", error, ids)


def nudge_certificates(batch_ids: list[int]) -> None:
    """Ask the worker to issue these committed batches now; unreachable, the sweep does."""
    if current_app.config.get("JOBS_IMMEDIATE"):
        for batch_id in batch_ids:
            run_batch(batch_id)
        return
    try:
        for batch_id in batch_ids:
            issue_batch(batch_id)
    except Exception as error:  # the queue's store is down: the sweep issues them later
        log.warning("job queue unreachable (%s); batches %s wait for the sweep", error, batch_ids)


def run_batch(batch_id: int) -> int:
    """Issue the batch to whoever still waits in it, one committed transaction per person
    (a failure rolls back only that person's, and the batch waits for the next sweep)."""
    from mbtrain.certificates.batches import issue_next

    steps = 0
    with _on_public_url():
        try:
            while issue_next(batch_id):
                db.session.commit()
                steps += 1
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return steps


def _on_public_url() -> AbstractContextManager[Any]:
    """A certificate links to its verification page (mbtrain.http.public_url), which is built
    on a request: outside one (the worker), a request for MBTRAIN_PUBLIC_URL."""
    if has_request_context():
        return nullcontext()
    return current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"] or None)


def run_unfinished_batches() -> int:
    from mbtrain.certificates.batches import unfinished

    return sum(run_batch(batch_id) for batch_id in unfinished())


@contextmanager
def _in_app() -> Iterator[None]:
    with _bound["app"].app_context():
        try:
            yield
        finally:
            db.session.remove()


def _job(function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        with _in_app():
            return function(*args, **kwargs)

    run.__name__ = function.__name__
    return run


@huey.task(name="deliver_mail")
@_job
def deliver_mail(ids: list[int]) -> int:
    from mbtrain.mail.services import deliver_due

    return deliver_due(ids=ids)


@huey.periodic_task(crontab(minute="*"), name="sweep_mail")
@_job
def sweep_mail() -> int:
    from mbtrain.mail.services import deliver_due

    return deliver_due()


@huey.task(name="issue_batch")
@_job
def issue_batch(batch_id: int) -> int:
    return run_batch(batch_id)


@huey.periodic_task(crontab(minute="*"), name="sweep_certificates")
@_job
def sweep_certificates() -> int:
    return run_unfinished_batches()


@huey.periodic_task(crontab(hour="23", minute="5"), name="nightly")
@_job
def nightly() -> dict[str, Any]:
    return run_nightly()


def run_nightly() -> dict[str, Any]:
    """What the nightly systemd timer used to run: each step committed on its own."""
    from mbtrain.database import utcnow
    from mbtrain.enrolments.progression import progress_statuses
    from mbtrain.i18n import today
    from mbtrain.maintenance.purge import purge
    from mbtrain.maintenance.retention import RetentionPeriods, cutoffs
    from mbtrain.reports import snapshot

    done: dict[str, Any] = {"progress": progress_statuses(today())}
    db.session.commit()
    done["report_figures"] = snapshot.refresh()
    db.session.commit()
    periods, now = RetentionPeriods.from_config(current_app.config), utcnow()
    done["purged"] = purge(cutoffs(periods, today(), now), today=today(), now=now)
    db.session.commit()
    log.info("nightly jobs done: %s", done)
    return done


def run_worker(threads: int = 2) -> None:
    """The consumer, until SIGTERM/SIGINT: tasks in threads, the periodic ones included."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    sweep_mail()  # first thing: whatever a stopped or killed worker left undelivered
    sweep_certificates()  # and the batches it left half issued
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=True, initial_delay=0.1, max_delay=1.0
    )
    consumer.run()


@contextmanager
def worker_process(public_url: str = "") -> Iterator[subprocess.Popen]:
    """``mbtrain worker`` beside this process, with its environment (the demo's) and the
    address the site is served on (the links in the certificates it issues), stopped when
    the block ends."""
    command = [sys.executable, "-c", "from mbtrain.cli import main; main()", "worker"]
    env = {**os.environ, "MBTRAIN_PUBLIC_URL": public_url} if public_url else None
    process = subprocess.Popen(command, env=env)  # noqa: S603 - our own interpreter and module
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
