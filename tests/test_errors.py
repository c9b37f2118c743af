"""Unexpected errors: logged once with their stack trace, the person told ephemerally, and no
secret in any log line."""

import logging

from bot.errors import SORRY
from bot.logs import RedactingFormatter, redact

USER = "U0ALICE0001"


def _boom(req):
    raise RuntimeError("kaboom in a subcommand")


def test_error_before_the_ack_is_logged_and_the_user_told(pact, caplog):
    pact.services.commands.add("boom", "Always fails.")(_boom)
    with caplog.at_level(logging.ERROR):
        response = pact.slack.command("boom", user=USER)
    assert response.status == 200
    assert response.json() == {"response_type": "ephemeral", "text": SORRY}
    errors = [r for r in caplog.records if r.name == "pact.errors"]
    assert len(errors) == 1
    assert errors[0].exc_info and "kaboom in a subcommand" in str(errors[0].exc_info[1])
    assert USER in errors[0].getMessage()


def test_error_in_slow_work_after_the_ack_reaches_the_user(pact, caplog):
    pact.services.commands.add("slowboom", "Fails later.",
                               later=_boom)(lambda req: req.ack(text="On it…"))
    with caplog.at_level(logging.ERROR):
        response = pact.slack.command("slowboom", user=USER)
        assert response.status == 200 and response.body == "On it…"
        pact.wait_idle()
    (told,) = pact.emulator.responses()
    assert told["text"] == SORRY and told["response_type"] == "ephemeral"
    assert any(r.name == "pact.errors" and r.exc_info for r in caplog.records)


def test_error_in_a_button_handler_is_logged_and_told_ephemerally(pact, caplog):
    @pact.app.action("always_fails")
    def always_fails(ack):
        raise RuntimeError("button broke")

    with caplog.at_level(logging.ERROR):
        response = pact.slack.block_action(user=USER, action_id="always_fails", channel="C1")
    assert response.status == 200
    (told,) = pact.emulator.responses()
    assert told["text"] == SORRY and told["replace_original"] is False
    assert any(r.name == "pact.errors" and "button broke" in str(r.exc_info[1])
               for r in caplog.records if r.exc_info)


def test_unknown_action_is_not_an_error(pact):
    response = pact.slack.block_action(user=USER, action_id="no_such_action", channel="C1")
    assert response.status == 404
    assert pact.emulator.responses() == []


def test_tokens_are_redacted_from_any_log_line():
    line = "calling with xoxb-1234-5678-abcdefSECRET and xapp-1-A0-99-SECRET2 and xoxp-9-SECRET3"
    cleaned = redact(line)
    assert "SECRET" not in cleaned
    assert "xoxb-[redacted]" in cleaned and "xapp-[redacted]" in cleaned


def test_formatter_redacts_tracebacks_too():
    try:
        raise ValueError("bad token xoxb-42-42-TOPSECRET")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None,
                                   sys.exc_info())
    text = RedactingFormatter("%(message)s").format(record)
    assert "TOPSECRET" not in text and "ValueError" in text


def test_database_errors_never_log_what_people_wrote(engine):
    import pytest
    from sqlalchemy.exc import IntegrityError
    from sqlmodel import Session

    from storage.models import Member

    with pytest.raises(IntegrityError) as err, Session(engine) as session:
        session.add(Member(workspace_id="T-none", slack_user_id="U1",
                           display_name="my secret aspiration"))
        session.commit()
    assert "my secret aspiration" not in str(err.value)
