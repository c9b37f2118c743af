"""The report's renderings (pure): Block Kit, a PNG chart (matplotlib, Agg) and a CSV, all
from the same aggregates."""

from __future__ import annotations

import csv
import io

import matplotlib

matplotlib.use("Agg")
from matplotlib import pyplot as plt  # noqa: E402 - the backend is chosen first

from handlers.impact.report import METRICS, Report  # noqa: E402
from handlers.kit.blocks import (  # noqa: E402
    button,
    clip,
    context,
    escape,
    header,
    plural,
    section,
)
from handlers.kit.ids import REPORT_CSV  # noqa: E402

MAX_TEAMS_SHOWN = 15
CHART_SERIES = (("progress_updates", "Progress updates"),
                ("milestones_on_time", "Milestones on time"),
                ("labs_held", "Labs held"),
                ("pacts_active", "Active pacts"),
                ("mentor_pairs_met", "Mentor pairs that met"),
                ("kudos_given", "Kudos given"),
                ("pulse_score", "Pulse score (1-5)"))


def totals_by_month(report: Report) -> dict[str, dict[str, float]]:
    """Every team added up per month (pulse: the mean over teams that have a shown score)."""
    out: dict[str, dict[str, float]] = {m: {} for m in report.months}
    for row in report.rows:
        month = out[row.month]
        for metric in METRICS:
            value = getattr(row, metric)
            if metric.startswith("pulse"):
                if value is not None:
                    month.setdefault(metric + "_list", []).append(value)
            else:
                month[metric] = month.get(metric, 0) + value
    for month in out.values():
        for metric in ("pulse_score", "pulse_response_rate"):
            values = month.pop(metric + "_list", [])
            month[metric] = round(sum(values) / len(values), 2) if values else None
    return out


def _line(row) -> str:
    pulse = (f"pulse {row.pulse_score:.2f}/5 ({row.pulse_response_rate:.0%} answered)"
             if row.pulse_score is not None else "pulse: nothing to show")
    return (f"{row.members_with_plan}/{row.members} with a plan · {row.objectives_linked} "
            f"objectives linked · {row.progress_updates} updates "
            f"({row.updates_per_checkin:g} per check-in) · milestones {row.milestones_on_time} "
            f"on time, {row.milestones_late} late · {row.goals_achieved} goals achieved · labs "
            f"{row.labs_held}/{row.labs_planned} · {plural(row.pacts_active, 'active pact')}, "
            f"{row.pact_checkins_kept} of {row.pact_checkins} pact check-ins kept · "
            f"{row.mentor_pairs_met} of {plural(row.mentor_pairs, 'mentor pair')} met · "
            f"{plural(row.kudos_given, 'kudos', 'kudos')} given · {pulse}")


def report_message(report: Report) -> tuple[str, list[dict]]:
    last = report.months[-1]
    scope = "every team" if report.admin else "your teams"
    blocks = [header("Participation and impact"),
              context(f"{scope.capitalize()}, {report.months[0]} to {last}. Aggregates only: "
                      "no plan content, no single pulse answer.")]
    latest = {r.team_id: r for r in report.rows if r.month == last}
    for team_id, name, _members in report.teams[:MAX_TEAMS_SHOWN]:
        row = latest[team_id]
        blocks.append(section(f"*{escape(clip(name, 80))}* · {last}\n{_line(row)}"))
    if len(report.teams) > MAX_TEAMS_SHOWN:
        blocks.append(context(f"{len(report.teams) - MAX_TEAMS_SHOWN} more teams are in the "
                              "CSV."))
    blocks.append({"type": "actions", "block_id": "report_actions", "elements": [
        button("Download CSV", REPORT_CSV, "csv")]})
    text = f"Participation and impact report for {scope}, {report.months[0]} to {last}."
    return text, blocks


def chart_series(report: Report) -> list[tuple[str, str, list]]:
    """(metric, label, one value per month) for each line of the chart; a pulse month below
    its threshold has no value."""
    totals = totals_by_month(report)
    return [(metric, label, [totals[m][metric] for m in report.months])
            for metric, label in CHART_SERIES]


def chart_png(report: Report) -> tuple[bytes, str]:
    """A line chart per month of the series in CHART_SERIES, and its alt text."""
    totals = totals_by_month(report)
    months = report.months
    fig, counts = plt.subplots(figsize=(8, 4), dpi=100)
    score_axis = counts.twinx()
    for metric, label, values in chart_series(report):
        axis = score_axis if metric == "pulse_score" else counts
        axis.plot(months, [v if v is not None else float("nan") for v in values],
                  marker="o", label=label, linestyle="--" if axis is score_axis else "-")
    score_axis.set_ylim(1, 5)
    counts.set_ylabel("count per month")
    score_axis.set_ylabel("pulse score")
    counts.tick_params(axis="x", labelrotation=45, labelsize=7)
    handles = counts.get_legend_handles_labels()
    more = score_axis.get_legend_handles_labels()
    counts.legend(handles[0] + more[0], handles[1] + more[1], fontsize=7, loc="upper left")
    counts.set_title("Participation and impact")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    last = totals[months[-1]]
    alt = (f"Line chart, {months[0]} to {months[-1]}: progress updates, milestones on time, "
           f"labs held, active pacts, mentor pairs that met, kudos given and pulse score per "
           f"month. Last month: {last['progress_updates']:g} updates, "
           f"{last['milestones_on_time']:g} milestones on time, {last['labs_held']:g} labs "
           f"held, {last['pacts_active']:g} active pacts, {last['mentor_pairs_met']:g} mentor "
           f"pairs met, {last['kudos_given']:g} kudos, pulse "
           f"{'not shown' if last['pulse_score'] is None else format(last['pulse_score'], 'g')}.")
    return out.getvalue(), alt


def _cell(value: str) -> str:
    """A team name a spreadsheet would run as a formula is written as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_text(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["team", "month", "members", *METRICS])
    for row in report.rows:
        writer.writerow([_cell(row.team), row.month, row.members,
                         *("" if getattr(row, m) is None else getattr(row, m) for m in METRICS)])
    return out.getvalue()
