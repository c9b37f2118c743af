"""The Home tab is published when opened, within Slack's limits."""

from bot.playground.emulator import check_view


def test_opening_home_publishes_a_valid_view(pact):
    user = pact.emulator.add_user(name="alice", tz="America/New_York")
    response = pact.slack.event({"type": "app_home_opened", "user": user, "tab": "home",
                                 "channel": "D0HOME00001", "event_ts": "1.2"})
    assert response.status == 200
    pact.wait_idle()
    view = pact.emulator.home_view(user)
    assert view is not None and view["type"] == "home"
    assert check_view(view) == []
    assert "/pact help" in str(view)


def test_messages_tab_does_not_publish(pact):
    user = pact.emulator.add_user(name="bob")
    pact.slack.event({"type": "app_home_opened", "user": user, "tab": "messages"})
    pact.wait_idle()
    assert pact.emulator.home_view(user) is None


def test_home_sections_respect_the_100_block_limit(pact):
    user = pact.emulator.add_user(name="carol")
    many = [{"type": "section", "text": {"type": "mrkdwn", "text": f"row {i}"}}
            for i in range(150)]
    pact.services.add_home_section(50, "flood", lambda session, member, budget: many)
    pact.services.add_home_section(60, "more", lambda session, member, budget: many)
    pact.slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    pact.wait_idle()
    view = pact.emulator.home_view(user)
    assert check_view(view) == []
    assert len(view["blocks"]) <= 100
