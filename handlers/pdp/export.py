"""A member's whole plan and its history as files: JSON for machines, Markdown for people."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import date, datetime

from bot.rules import pdp as rules
from bot.rules.visibility import LEVEL_LABELS, PlanView

FORMAT_VERSION = 1
MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def _iso(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")


def export_json(view: PlanView, *, exported_at: datetime, workspace: str,
                social: dict | None = None) -> str:
    """Everything the owner's view holds; the caller passes the owner's own view."""
    if not view.viewer.is_owner:
        raise PermissionError("only the owner exports a plan")
    d = view.dates
    data = {
        "format": "pact-development-plan", "version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(), "workspace": workspace,
        "owner": view.owner_user, "manager": view.manager_user,
        "aspiration": {"text": view.aspiration, "visibility": view.aspiration_visibility},
        "skill_gaps": {"text": view.skill_gaps, "visibility": view.skill_gaps_visibility},
        "review": {"cadence_months": d.cadence_months if d else None,
                   "last_review_at": d.last_review_at if d else None,
                   "next_review_at": d.next_review_at if d else None,
                   "review_requested_at": d.review_requested_at if d else None},
        "objectives": [asdict(o) for o in view.objectives],
        "reviews": [asdict(r) for r in view.reviews],
        "history": [asdict(c) for c in view.history],
        **(social or {}),  # the person's pacts and kudos
    }
    return json.dumps(data, default=_iso, indent=2, ensure_ascii=False)


def _md(text: str) -> str:
    return (text or "").strip() or "_(empty)_"


def export_markdown(view: PlanView, *, exported_at: datetime, names: dict[str, str],
                    social: dict | None = None) -> str:
    """A readable version. `names` maps Slack user ids to display names."""
    if not view.viewer.is_owner:
        raise PermissionError("only the owner exports a plan")

    def who(user: str | None) -> str:
        return names.get(user or "", "") or (user or "—")

    def readable(text: str) -> str:  # Slack mentions in the history, as names
        return MENTION.sub(lambda m: "@" + who(m.group(1)), text)

    d = view.dates
    out = [f"# Development plan of {who(view.owner_user)}", "",
           f"Exported from Pact on {exported_at:%Y-%m-%d %H:%M} UTC.", ""]
    if not view.exists:
        out += ["_No development plan in Pact: your pacts and kudos follow._", ""]
    out += [f"- Manager: {who(view.manager_user) if view.manager_user else '—'}"]
    if d:
        out += [f"- Review cadence: {rules.CADENCES.get(d.cadence_months, d.cadence_months)}",
                f"- Last review: {d.last_review_at:%Y-%m-%d}" if d.last_review_at
                else "- Last review: —",
                f"- Next review: {d.next_review_at:%Y-%m-%d}" if d.next_review_at
                else "- Next review: —"]
    out += ["", f"## Long-term aspiration ({LEVEL_LABELS.get(view.aspiration_visibility or '', '')})",
            "", _md(view.aspiration or ""), "",
            f"## Skill gaps ({LEVEL_LABELS.get(view.skill_gaps_visibility or '', '')})", "",
            _md(view.skill_gaps or ""), "", "## Objectives", ""]
    if not view.objectives:
        out += ["_None._", ""]
    for o in view.objectives:
        out += [f"### {o.title}", "",
                f"- Status: {rules.STATUS_LABELS.get(o.status, o.status)} ({o.progress}%)",
                f"- Visible to: {LEVEL_LABELS.get(o.visibility, o.visibility)}",
                f"- Skill: {o.skill or '—'}",
                f"- Target date: {o.target_date.isoformat() if o.target_date else '—'}",
                f"- Shared goal: {o.goal_title or '—'}"]
        if o.done_at:
            out.append(f"- Done on: {o.done_at:%Y-%m-%d}")
        out += ["", "Actions:", "", _md(o.actions), ""]
        if o.updates:
            out += ["Progress log:", ""]
            out += [f"- {u.at:%Y-%m-%d %H:%M}: {'' if u.value is None else f'{u.value:g}%'}"
                    f"{' — ' + u.note.strip() if u.note.strip() else ''}" for u in o.updates]
            out.append("")
    out += ["## Reviews", ""]
    out += [f"- {r.at:%Y-%m-%d}: {who(r.reviewer_user)} {r.outcome}"
            f"{' — ' + r.comment.strip() if r.comment.strip() else ''}"
            for r in view.reviews] or ["_None yet._"]
    out += ["", "## History", ""]
    out += [f"- {c.at:%Y-%m-%d %H:%M}: {who(c.actor_user)} — {readable(c.what)}" for c in view.history] \
        or ["_Nothing yet._"]
    social = social or {}
    out += ["", "## Pacts", ""]
    out += [f"- {p['role']} {who(p['with'])}: {p['about'] or '—'} ({p['status']})"
            for p in social.get("pacts", [])] or ["_None._"]
    out += ["", "## Kudos", ""]
    out += [f"- {k['at']:%Y-%m-%d}: {'to' if k['given'] else 'from'} {who(k['with'])} — "
            f"{k['reason']}" for k in social.get("kudos", [])] or ["_None._"]
    return "\n".join(out) + "\n"
