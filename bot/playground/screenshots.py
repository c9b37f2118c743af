"""`make screenshots`: the demo team in a headless Chromium, main moments written as PNGs.

    python -m bot.playground.screenshots [DIR]   (default docs/)

A goal post with progress, a check-in, a plan with visibility labels, the Home tab and a
celebration, each as the person who would see it.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bot.playground import browser, demo, surfaces
from bot.playground.demo import LEAD, MEMBERS, TEAM_CHANNEL
from bot.playground.web import next_monday_10, serve
from bot.playground.world import Playground


def _wait(driver, script: str, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if driver.execute_script(script):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the page never showed: {script}")


def _show(driver, url: str, user: str, at: str, *, home: bool = False) -> None:
    driver.get(url)
    driver.execute_script("localStorage.setItem('pact.user', arguments[0]);", user)
    driver.get(url)
    _wait(driver, "return document.querySelectorAll('#actas option').length > 0")
    if not home:
        driver.execute_script(f"document.querySelector('[data-go=\"{at}\"]').click();")
        _wait(driver, f"return document.querySelector('[data-go=\"{at}\"]')"
                      ".classList.contains('current')")
    time.sleep(1.0)


def _scroll_to(driver, text: str) -> None:
    driver.execute_script("""
        const hit = [...document.querySelectorAll('#messages .msg')]
            .filter(m => m.textContent.includes(arguments[0])).pop();
        const box = document.querySelector('#messages');
        if (hit) box.scrollTop = hit.offsetTop - box.offsetTop - 8;
        window.scrollTo(0, 0);""", text)
    time.sleep(0.3)


def take(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pg = Playground(f"sqlite:///{tmp}/screens.db").start()
        demo.add_people(pg)
        demo.seed(pg)
        server = serve(pg, 0)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        driver = browser.chromium(1360, 860)
        shots = []
        try:
            def shot(name: str) -> None:
                path = out_dir / f"playground-{name}.png"
                driver.save_screenshot(str(path))
                shots.append(path)

            _show(driver, url, MEMBERS[0], TEAM_CHANNEL)
            _scroll_to(driver, "Everyone certified in Kubernetes")
            shot("goal")
            pg.advance(to=next_monday_10(pg.now(), "Europe/Berlin"))
            _show(driver, url, MEMBERS[1], TEAM_CHANNEL)
            _scroll_to(driver, "Check-in:")
            shot("check-in")
            owner = MEMBERS[0]
            pg.command(owner, pg.emulator.dm_channel(owner), "pdp")
            _show(driver, url, owner, pg.emulator.dm_channel(owner))
            _wait(driver, "return !!document.querySelector('#overlay.open .modal')")
            shot("plan")
            pg.close(owner, pg.modal_of(owner)["id"])
            pg.open_home(owner)
            _show(driver, url, owner, surfaces.HOME, home=True)
            shot("home")
            for member, total in ((MEMBERS[3], "5"), (MEMBERS[4], "7")):
                demo.log_goal(pg, member, "Kubernetes", total, "Certified!")
            _show(driver, url, LEAD, TEAM_CHANNEL)
            _scroll_to(driver, "achieved")
            shot("celebration")
        finally:
            driver.quit()
            server.shutdown()
            pg.stop()
    return shots


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    problem = browser.missing()
    if problem:
        print(f"screenshots need {problem}", file=sys.stderr)
        return 1
    for path in take(Path(argv[0] if argv else "docs")):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
