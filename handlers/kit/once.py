"""Twice is once: the same submission or click, sent again (a double click, a retry, a replay,
copies racing in several `pact web` replicas), changes nothing the second time.

`once(session, body, workspace)` is called inside the transaction of the change, after it was
made: it records the submission's key (`payload.submission_key`), and when another copy
recorded it first it raises `Repeated`, so this copy's change rolls back with it. The database
decides (a unique key), not process memory.
"""

from __future__ import annotations

from handlers.kit.payload import submission_key
from storage.queries.members import first_submission


class Repeated(Exception):  # noqa: N818 - a signal, not a failure
    """This submission was already taken by an earlier copy: answer it and change nothing."""


def once(session, body: object, workspace: str) -> None:
    key = submission_key(body)
    if key is not None and not first_submission(session, workspace, key):
        raise Repeated
