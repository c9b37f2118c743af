"""What one person sees in the playground, as HTML: the sidebar, a channel or DM with its
ephemerals and threads, the Home tab, their modal, downloadable files, and Slack's refusals."""

from __future__ import annotations

import html

from bot.playground import blocks as bk
from bot.playground.mrkdwn import Reader, in_zone, render_mrkdwn
from bot.playground.world import MESSAGE_SHORTCUTS, Playground

HOME = "home"


def reader_for(pg: Playground, user: str) -> Reader:
    emu = pg.emulator
    with emu._lock:
        users = {uid: u["real_name"] for uid, u in emu._users.items()
                 if not u["deleted"] and uid != "USLACKBOT"}
        channels = {c.id: c.name for c in emu._channels.values() if not c.is_im}
    person = pg.people.get(user)
    return Reader(tz=person.tz if person else "UTC", users=users, channels=channels,
                  now=pg.now())


def sidebar(pg: Playground, user: str, current: str) -> str:
    def item(target: str, label: str) -> str:
        mark = " current" if target == current else ""
        return (f'<a class="nav{mark}" href="#" data-go="{html.escape(target)}">'
                f'{label}</a>')

    rows = [item(HOME, "🏠 Home — Pact"), '<div class="nav-head">Channels</div>']
    rows += [item(cid, f"# {html.escape(name)}") for cid, name in pg.channels_of(user)]
    rows += ['<div class="nav-head">Direct messages</div>',
             item(pg.emulator.dm_channel(user), "💬 Pact")]
    return "".join(rows)


def _name(reader: Reader, uid: str) -> str:
    return html.escape(reader.users.get(uid, uid))


def _message_html(pg: Playground, msg: dict, reader: Reader, channel: str,
                  replies: int = 0) -> str:
    bot = msg.get("user") == pg.emulator.bot_user_id
    who = "Pact" if bot else _name(reader, msg.get("user", ""))
    edited = ' <span class="edited">(edited)</span>' if msg.get("edited") else ""
    thread = (f'<a href="#" class="replies" data-thread="{html.escape(msg["ts"])}">'
              f'{replies} repl{"y" if replies == 1 else "ies"}</a>') if replies else ""
    reactions = "".join(f'<span class="reaction">{render_mrkdwn(":" + r["name"] + ":")} '
                        f'{r["count"]}</span>' for r in msg.get("reactions", []))
    return (f'<div class="msg" data-channel="{html.escape(channel)}" '
            f'data-ts="{html.escape(msg["ts"])}">{_shortcuts_menu()}<div class="who">{who}'
            f'{" <span class=app>APP</span>" if bot else ""}'
            f'{edited}</div><div class="body">{bk.message(msg, reader)}</div>'
            f'{reactions}{thread}</div>')


def _shortcuts_menu() -> str:
    """The message's "More actions" menu: Pact's message shortcuts, as Slack lists them."""
    items = "".join(f'<button class="shortcut" data-shortcut="{html.escape(cid)}">'
                    f'{html.escape(name)} <span class="app">Pact</span></button>'
                    for cid, name in MESSAGE_SHORTCUTS)
    return (f'<details class="msg-menu"><summary title="More actions" aria-label="More actions">'
            f'⋮</summary><div class="menu">{items}</div></details>')


def _ephemeral_html(e, reader: Reader) -> str:
    return (f'<div class="msg ephemeral" data-channel="{html.escape(e.channel)}" '
            f'data-ephemeral="{html.escape(e.id)}"><div class="who">Pact <span class=app>APP</span>'
            f' <span class="only-you">Only visible to you</span></div>'
            f'<div class="body">{bk.message({"text": e.text, "blocks": e.blocks}, reader)}'
            f'</div></div>')


def _file_html(f: dict) -> str:
    return (f'<div class="msg file"><div class="who">Pact <span class=app>APP</span></div>'
            f'<div class="body">{render_mrkdwn(f.get("initial_comment") or "")}'
            f'<a class="download" href="/files/{html.escape(f["id"])}" download="'
            f'{html.escape(f["filename"])}">📎 {html.escape(f["title"])}</a></div></div>')


def conversation(pg: Playground, user: str, channel: str) -> str:
    reader = reader_for(pg, user)
    messages = pg.emulator.messages(channel)
    counts: dict[str, int] = {}
    for m in messages:
        if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
            counts[m["thread_ts"]] = counts.get(m["thread_ts"], 0) + 1
    items = [(m["ts"], _message_html(pg, m, reader, channel, counts.get(m["ts"], 0)))
             for m in messages if not m.get("thread_ts") or m["thread_ts"] == m["ts"]]
    items += [(e.ts, _ephemeral_html(e, reader)) for e in pg.ephemerals_in(user, channel)
              if True]
    items += [(str(f.get("ts", "9")), _file_html(f)) for f in pg.emulator.uploaded_files()
              if channel in f.get("channels", [])]
    items.sort(key=lambda kv: float(kv[0]) if kv[0].replace(".", "", 1).isdigit() else 9e18)
    return "".join(html_ for _, html_ in items) or '<div class="empty">No messages yet.</div>'


def thread(pg: Playground, user: str, channel: str, ts: str) -> str:
    reader = reader_for(pg, user)
    messages = [m for m in pg.emulator.messages(channel)
                if m["ts"] == ts or m.get("thread_ts") == ts]
    return "".join(_message_html(pg, m, reader, channel) for m in messages)


def home(pg: Playground, user: str) -> str:
    view = pg.emulator.home_view(user)
    if not view:
        return '<div class="empty">Pact has not published your Home tab yet.</div>'
    return (f'<div class="home" data-view-id="{html.escape(view["id"])}">'
            f'{bk.blocks(view.get("blocks", []), reader_for(pg, user))}</div>')


def modal(pg: Playground, user: str) -> str | None:
    view = pg.modal_of(user)
    if view is None:
        return None
    return bk.modal(view, reader_for(pg, user), pg.errors.get(view["id"]))


def state(pg: Playground, user: str, current: str, thread_ts: str | None = None) -> dict:
    """Everything the page shows for `user` looking at `current` (a channel id or "home")."""
    with pg.lock:
        person = pg.people.get(user)
        if current == HOME:
            title, main = "Home", home(pg, user)
        else:
            name = dict(pg.channels_of(user)).get(current)
            title = f"# {name}" if name else "Pact"
            main = conversation(pg, user, current)
        return {
            "user": user, "current": current, "title": title, "main": main,
            "sidebar": sidebar(pg, user, current),
            "thread": thread(pg, user, current, thread_ts) if thread_ts and current != HOME
            else None,
            "modal": modal(pg, user),
            "now": in_zone(pg.now(), person.tz if person else "UTC"),
            "tz": person.tz if person else "UTC",
            "people": [{"id": p.id, "name": p.real_name, "role": p.role, "tz": p.tz,
                        "manager": pg.people[p.manager].real_name
                        if p.manager in pg.people else None}
                       for p in pg.people.values()],
            "problems": list(pg.problems[-20:]),
        }
