"""The playground in a real headless Chromium: a lead sets up a team and a goal, a member logs
progress, the clock brings the check-in, the Home tab, errors under fields, confirm dialogs."""

from __future__ import annotations

import os
import time

import pytest

from bot.playground import browser, demo
from bot.playground.demo import LEAD, MEMBERS, TEAM_CHANNEL
from bot.playground.web import serve
from bot.playground.world import Playground

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
def chrome():
    problem = browser.missing()
    if problem:
        if IN_CI:
            pytest.fail(f"browser tests must run in CI, but {problem} is missing")
        pytest.skip(f"no browser: {problem}")
    driver = browser.chromium()
    yield driver
    driver.quit()


@pytest.fixture
def site(database_url):
    pg = Playground(database_url).start()
    demo.add_people(pg)
    server = serve(pg, 0)
    yield pg, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    pg.stop()


def wait_for(predicate, timeout=30.0, what="the page"):
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            value = predicate()
            if value:
                return value
        except Exception as err:  # noqa: BLE001 - the page is re-rendering; look again
            last = err
        time.sleep(0.1)
    why = f" (last: {type(last).__name__}: {str(last).splitlines()[0][:300]})" if last else ""
    raise AssertionError(f"timed out waiting for {what}{why}")


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def click(driver, selector, what=None):
    """Click the last element matching `selector`, looking again if the page re-rendered."""
    def attempt():
        found = css(driver, selector)
        if not found:
            return False
        found[-1].click()
        return True
    wait_for(attempt, what=what or selector)


def act_as(driver, user):
    from selenium.webdriver.support.ui import Select

    Select(wait_for(lambda: css(driver, "#actas option") and css(driver, "#actas")[0])) \
        .select_by_value(user)
    wait_for(lambda: "current" in css(driver, '[data-go="home"]')[0].get_attribute("class"))


def go(driver, target):
    click(driver, f'[data-go="{target}"]')
    wait_for(lambda: "current" in css(driver, f'[data-go="{target}"]')[0]
             .get_attribute("class"), what=f"{target} to open")


def type_command(driver, text):
    box = css(driver, "#compose")[0]
    box.send_keys(text)
    box.submit()


def modal(driver, callback_text):
    return wait_for(lambda: [m for m in css(driver, "#overlay.open .modal")
                             if callback_text in m.text], what=f"the {callback_text} modal")[0]


def field(driver, block_id):
    return css(driver, f'.modal [data-block-id="{block_id}"] .field')[0]


def set_value(driver, element, value):
    driver.execute_script("arguments[0].value = arguments[1];", element, value)


def messages_text(driver):
    return css(driver, "#messages")[0].text


def test_a_team_from_setup_to_check_in_in_the_browser(chrome, site):
    pg, url = site
    chrome.get(url)
    act_as(chrome, LEAD)
    assert "Lena Fischer (lead, Europe/Berlin, reports to Maria Rossi)" in \
        css(chrome, "#actas")[0].text
    go(chrome, TEAM_CHANNEL)
    type_command(chrome, "/pact team setup")
    modal(chrome, "team")
    name = field(chrome, "name")
    name.clear()
    name.send_keys("Platform")
    click(chrome, ".modal [data-submit]")
    wait_for(lambda: "Platform is set up in" in messages_text(chrome), what="the team post")
    assert not css(chrome, "#overlay.open")

    type_command(chrome, "/pact goal new")
    modal(chrome, "goal")
    click(chrome, ".modal [data-submit]")  # no title: refused under the field
    error = wait_for(lambda: css(chrome, '.modal [data-block-id="title"] .error'),
                     what="the error under the title")[0]
    assert error.is_displayed() and error.text
    field(chrome, "title").send_keys("Everyone certified in Scrum")
    for block_id, value in (("metric", "people certified"), ("unit", "people")):
        field(chrome, block_id).send_keys(value)
    for block_id, value in (("baseline", "0"), ("target", "6"), ("due", "2027-06-30"),
                            ("ms_title_0", "Study group"), ("ms_date_0", "2027-03-01")):
        set_value(chrome, field(chrome, block_id), value)
    click(chrome, ".modal [data-submit]")
    wait_for(lambda: "Everyone certified in Scrum" in messages_text(chrome)
             and not css(chrome, "#overlay.open"), what="the goal post")

    act_as(chrome, MEMBERS[0])
    go(chrome, TEAM_CHANNEL)
    click(chrome, '#messages button[data-action-id="goal_log_progress"]')
    modal(chrome, "progress")
    set_value(chrome, field(chrome, "value"), "2")
    field(chrome, "note").send_keys("Two of us passed")
    click(chrome, ".modal [data-submit]")
    wait_for(lambda: "(edited)" in messages_text(chrome), what="the post updated in place")
    click(chrome, "#messages [data-thread]")  # the note is in the post's thread
    wait_for(lambda: "Two of us passed" in css(chrome, "#thread")[0].text, what="the thread")

    before = css(chrome, "#now")[0].text
    click(chrome, '[data-clock="monday"]')
    wait_for(lambda: css(chrome, "#now")[0].text != before, what="the clock to move")
    assert "Mon" in css(chrome, "#now")[0].text and "10:" in css(chrome, "#now")[0].text
    wait_for(lambda: "Check-in" in messages_text(chrome), what="the check-in post")

    go(chrome, "home")
    wait_for(lambda: "Everyone certified in Scrum" in css(chrome, "#messages")[0].text,
             what="the Home tab")
    assert not css(chrome, "#problems div"), css(chrome, "#problems")[0].text


def test_a_destructive_button_asks_first_and_cancel_changes_nothing(chrome, site):
    pg, url = site
    owner = MEMBERS[1]
    pg.command(owner, pg.emulator.dm_channel(owner), "pdp")
    demo.fill(pg, owner, {"aspiration": "Lead", "aspiration_visibility": "manager",
                          "skill_gaps": "Speaking", "skill_gaps_visibility": "private",
                          "manager": demo.MANAGER, "cadence": "3"})
    pg.close(owner, pg.modal_of(owner)["id"])
    pg.command(owner, pg.emulator.dm_channel(owner), "pdp delete")
    chrome.get(url)
    act_as(chrome, owner)
    go(chrome, pg.emulator.dm_channel(owner))
    click(chrome, "#messages button[data-confirm]", "the delete button")
    dialog = wait_for(lambda: css(chrome, "#overlay.open .confirm"), what="the confirm")[0]
    assert "Delete" in dialog.text
    click(chrome, ".confirm [data-deny]")
    wait_for(lambda: not css(chrome, "#overlay.open"), what="the dialog to close")
    from sqlmodel import select

    from storage.engine import session_scope
    from storage.models import Pdp
    with session_scope(pg.services.engine) as s:
        assert s.exec(select(Pdp)).all(), "cancel deleted the plan"


def test_give_kudos_from_a_messages_menu(chrome, site):
    from selenium.webdriver.common.action_chains import ActionChains

    pg, url = site
    pg.command(demo.LEAD, TEAM_CHANNEL, "team setup")
    demo.fill(pg, demo.LEAD, {"name": "Platform", "leads": [demo.LEAD], "members": list(MEMBERS),
                              "tz": "Europe/Berlin", "weekday": "mon", "time": "10:00"})
    chrome.get(url)
    act_as(chrome, MEMBERS[0])
    go(chrome, TEAM_CHANNEL)
    type_command(chrome, "Fixed the flaky build")
    wait_for(lambda: "Fixed the flaky build" in messages_text(chrome), what="the message")

    act_as(chrome, demo.LEAD)
    go(chrome, TEAM_CHANNEL)
    said = wait_for(lambda: [m for m in css(chrome, "#messages .msg")
                             if "Fixed the flaky build" in m.text], what="Max's message")[-1]
    ActionChains(chrome).move_to_element(said).perform()
    said.find_element("css selector", ".msg-menu summary").click()
    item = wait_for(lambda: [b for b in said.find_elements("css selector", "[data-shortcut]")
                             if b.is_displayed()], what="the menu")[0]
    assert "Give kudos" in item.text
    item.click()
    form = modal(chrome, "Give kudos")
    assert "The message will be linked." in form.text
    picked = [o.text for o in form.find_elements("css selector",
                                                 '[data-block-id="who"] option:checked')]
    assert picked == ["Max Weber"], picked
    field(chrome, "reason").send_keys("the build fix")
    click(chrome, ".modal [data-submit]")
    wait_for(lambda: "thanks" in messages_text(chrome) and "the build fix" in messages_text(chrome)
             and not css(chrome, "#overlay.open"), what="the kudos post")
    assert not css(chrome, "#problems div"), css(chrome, "#problems")[0].text
