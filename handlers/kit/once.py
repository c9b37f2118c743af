"""Twice is once: the same submission or click, sent again (a double click, a retry, a replay,
copies racing in several `pact web` replicas), changes nothing the second time.

`once(session, body, workspace)` is called inside the transaction of the change, after it was
made: it records the submission's key (`payload.submission_key`), and when another copy
recorded it first it raises `Repeated`, so this copy's change rolls back with it. The database
decides (a unique key), not process memory.
"""

from __future__ import annotations

from slack_bolt import BoltResponse

from handlers.kit.payload import submission_key
from storage.engine import session_scope
from storage.queries.members import first_submission


class Repeated(Exception):  # noqa: N818 - a signal, not a failure
    """This submission was already taken by an earlier copy: answer it and change nothing."""


def once(session, body: object, workspace: str) -> None:
    key = submission_key(body)
    if key is not None and not first_submission(session, workspace, key):
        raise Repeated


def clicks_once(services):
    """Bolt middleware: a click Slack sent once is acted on once.

    Every button, select or date pick carries its `action_ts`; a copy of the same click (a
    replayed request, a retry, copies racing in several replicas) is answered with an empty 200
    and reaches no listener. One guard for every click, so no state-changing button can be
    missed; modal submissions keep `once` inside their own transaction.
    """

    def click_once(body, context, next):  # noqa: A002 - Bolt names the argument `next`
        key = submission_key(body) if body.get("type") == "block_actions" else None
        workspace = context.team_id or context.enterprise_id
        if key is not None and workspace:
            with session_scope(services.engine) as session:
                if not first_submission(session, workspace, key):
                    return BoltResponse(status=200, body="")
        return next()

    return click_once
