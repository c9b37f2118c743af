"""`/pact report` at Slack's edge: the aggregates in the asker's DM with a chart, and the
Download CSV button (permission checked again on the click, from the verified user)."""

from __future__ import annotations

import logging

from bot.errors import reported
from handlers.impact import report as service
from handlers.impact import report_out as out
from handlers.kit import refusals
from handlers.kit.payload import read_interaction
from handlers.kit.replies import tell
from handlers.kit.router import CommandRequest
from storage.engine import session_scope

log = logging.getLogger("pact.impact")


def report_command(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        _ids, _admin, refusal = service.visible_team_ids(session, req.team_id, req.user_id)
    if refusal:
        return req.ack(text=refusal, response_type="ephemeral")
    req.ack(text="Building your report: it is on its way to your DM with Pact.",
            response_type="ephemeral")


def report_later(req: CommandRequest) -> None:
    with session_scope(req.services.engine) as session:
        report = service.build(session, req.team_id, req.user_id, req.services.now())
    if isinstance(report, str):
        if report == refusals.REPORT_NO_TEAMS:  # allowed, but nothing to report on yet
            req.client.chat_postMessage(channel=req.user_id, text=report)
        return  # a refusal was said in the ack
    dm = req.client.conversations_open(users=req.user_id)["channel"]["id"]
    text, blocks = out.report_message(report)
    req.client.chat_postMessage(channel=dm, text=text, blocks=blocks)
    png, alt = out.chart_png(report)
    req.client.files_upload_v2(channel=dm, file_uploads=[{
        "content": png, "filename": f"impact-{report.months[-1]}.png",
        "title": "Participation and impact", "alt_txt": alt}])



def send_csv(body, client, services) -> None:
    def work():
        who = read_interaction(body)
        if who is None:
            return
        with session_scope(services.engine) as session:
            report = service.build(session, who.workspace_id, who.user_id, services.now())
        if isinstance(report, str):
            return tell(client, body, report, title="Report")
        dm = client.conversations_open(users=who.user_id)["channel"]["id"]
        client.files_upload_v2(channel=dm, file_uploads=[{
            "content": out.csv_text(report), "filename": f"impact-{report.months[-1]}.csv",
            "title": "Participation and impact (CSV)"}])
    reported(work, body, client)
