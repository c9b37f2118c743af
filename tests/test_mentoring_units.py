"""Mentoring's builders and parsing as pure functions: within Slack's limits, saying why."""

from __future__ import annotations

from bot.playground.emulator import check_message_blocks, check_view
from handlers.mentoring import blocks as ui
from handlers.mentoring import heatmap
from handlers.mentoring.service import parse_skills, parse_until


def test_skill_lines_are_read_with_one_spelling_and_flags():
    skills, refusal = parse_skills("k8s 3 mentor learn\nSQL: 4/5 teach\n\npostgres - 1 learn",
                                   {})
    assert refusal is None
    assert {(s.name, s.level, s.can_mentor, s.want_learn) for s in skills} == {
        ("Kubernetes", 3, True, True), ("SQL", 4, True, False), ("PostgreSQL", 1, False, True)}
    assert parse_skills("Kubernetes 2 learn\nK8S 3 learn", {})[0][0].level == 3  # one entry
    assert "Could not read" in parse_skills("SQL expert", {})[1]
    assert "Up to 30" in parse_skills("\n".join(f"s{i} 1 learn" for i in range(31)), {})[1]
    named = parse_skills("data modelling 2 learn", {"data modelling": "Data Modelling"})[0]
    assert named[0].name == "Data Modelling"


def test_pause_dates():
    assert parse_until([]) is None
    assert str(parse_until(["until", "2027-03-01"])) == "2027-03-01"
    assert parse_until(["soon"]) == "bad"


def test_every_reason_is_said_in_words():
    assert "no one on your team can teach Rust yet" in ui.unpaired_text(
        "Growth", "no_teacher:rust", {"rust": "Rust"})
    for reason in ("recent", "odd", "no_learner", "empty_profile"):
        text = ui.unpaired_text("A <b>", reason, {})
        assert "first in line" in text and "&lt;b&gt;" in text and "no good match" not in text


def test_profile_modal_and_messages_stay_within_slacks_limits():
    modal = ui.profile_modal("SQL 4 mentor", "manager", 2, [f"Skill {i}" for i in range(40)])
    assert check_view(modal) == []
    text, blocks = ui.matrix_message("Growth", [f"Skill {i}" for i in range(120)],
                                     ["U0ANA0001", "U0BEN0002"],
                                     {("U0ANA0001", "Skill 3"): "M4",
                                      ("U0BEN0002", "Skill 3"): "L1"})
    assert check_message_blocks(blocks) == [] and "more skills in the heatmap" in str(blocks)
    assert "<@U0ANA0001> 4" in str(blocks) and text
    text, blocks = ui.intro_message("Growth", "U0ANA0001",
                                    [(f"U0MEE{i:04d}", "SQL", i) for i in range(2, 7)])
    assert check_message_blocks(blocks) == [] and "<@U0ANA0001> mentors" in text
    text, blocks = ui.followup_dm("U0BEN0002", "SQL", 7)
    assert check_message_blocks(blocks) == [] and "Did you meet <@U0BEN0002>" in text
    home = ui.home_section(["*Growth*: you mentor <@U2> on SQL"], "")
    assert check_message_blocks(home) == [] and "Your mentoring" in str(home)


def test_heatmap_is_a_png():
    png = heatmap.render(["SQL", "Go"], ["U1", "U2"], {("U1", "SQL"): "M5", ("U2", "Go"): "L1"})
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
    named = heatmap.render(["SQL"], ["U1"], {("U1", "SQL"): "M5"}, {"U1": "Ana <b>"})
    assert named.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_round_summary_groups_reasons_and_stays_short_for_a_large_team():
    users = [f"U0PER{i:05d}" for i in range(600)]
    text = ui.round_summary(
        "Growth <b>", 200, [(u, "odd") for u in users[:100]] + [(users[100], "no_teacher:rust")],
        [(u, "away", None) for u in users[101:140]] + [(u, "no profile", None)
                                                       for u in users[140:]],
        {"rust": "Rust <i>"}, {"yes": 3})
    assert text.startswith("Mentor round of Growth &lt;b&gt;: 200 pairs introduced.")
    assert f"<@{users[24]}>, " not in text and f"<@{users[24]}> and 75 more (odd numbers)" in text
    assert f"<@{users[100]}> (nobody can teach Rust &lt;i&gt; yet)" in text
    assert "away: " in text and "and 14 more" in text
    assert "no skill profile yet: 460 people" in text and "3 yes, 0 not yet, 0 no" in text
    assert len(text) < 3000
