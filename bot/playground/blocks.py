"""Block Kit as HTML: every block and element Pact sends, in messages, modals and the Home tab.

Interactive elements carry what the page needs to send the same payload Slack would
(`data-action-id`, `data-block-id`, `data-value`, a confirm dialog as JSON); inputs carry their
element type so the page can build `view.state.values`. Errors from a `response_action` show
under their block, as in Slack.
"""

from __future__ import annotations

import html
import json

from bot.playground.mrkdwn import Reader, render_mrkdwn, render_plain


def _attr(value) -> str:
    return html.escape(str(value if value is not None else ""), quote=True)


def text_object(obj: dict | None, reader: Reader) -> str:
    if not obj:
        return ""
    if obj.get("type") == "mrkdwn":
        return render_mrkdwn(obj.get("text", ""), reader)
    return render_plain(obj.get("text", ""), obj.get("emoji", True))


def _option_value(option: dict | None) -> str:
    return (option or {}).get("value", "")


def _data(element: dict, block_id: str) -> str:
    return (f'data-action-id="{_attr(element.get("action_id"))}" '
            f'data-block-id="{_attr(block_id)}" data-type="{_attr(element.get("type"))}"')


def _confirm(element: dict, reader: Reader) -> str:
    confirm = element.get("confirm")
    if not confirm:
        return ""
    shown = {"title": text_object(confirm.get("title"), reader),
             "text": text_object(confirm.get("text"), reader),
             "confirm": text_object(confirm.get("confirm"), reader) or "Yes",
             "deny": text_object(confirm.get("deny"), reader) or "Cancel",
             "style": confirm.get("style", "")}
    return f' data-confirm="{_attr(json.dumps(shown))}"'


def button(element: dict, block_id: str, reader: Reader) -> str:
    style = element.get("style", "")
    label = text_object(element.get("text"), reader)
    if element.get("url"):
        return (f'<a class="btn {_attr(style)}" href="{_attr(element["url"])}" target="_blank" '
                f'rel="noopener noreferrer" {_data(element, block_id)}>{label}</a>')
    return (f'<button class="btn {_attr(style)}" {_data(element, block_id)} '
            f'data-value="{_attr(element.get("value", ""))}"{_confirm(element, reader)}>'
            f'{label}</button>')


def _options(element: dict, selected: set[str], reader: Reader, placeholder: str) -> str:
    out = [f'<option value="">{placeholder}</option>'] if placeholder is not None else []
    groups = element.get("option_groups")
    flat = [(None, o) for o in element.get("options", [])]
    if groups:
        flat = [(g, o) for g in groups for o in g.get("options", [])]
    for _group, option in flat:
        value = option.get("value", "")
        mark = " selected" if value in selected else ""
        out.append(f'<option value="{_attr(value)}"{mark}>'
                   f'{text_object(option.get("text"), reader)}</option>')
    return "".join(out)


def _people(reader: Reader, selected: set[str], placeholder: str | None) -> str:
    out = [f'<option value="">{placeholder}</option>'] if placeholder is not None else []
    for uid, name in sorted(reader.users.items(), key=lambda kv: kv[1].lower()):
        mark = " selected" if uid in selected else ""
        out.append(f'<option value="{_attr(uid)}"{mark}>{html.escape(name)}</option>')
    return "".join(out)


def element(el: dict, block_id: str, reader: Reader) -> str:
    """One element of an input, an actions block or a section's accessory."""
    kind = el.get("type")
    data = _data(el, block_id)
    placeholder = text_object(el.get("placeholder"), reader) or "Select…"
    if kind == "button":
        return button(el, block_id, reader)
    if kind == "plain_text_input":
        value = _attr(el.get("initial_value", ""))
        limit = f' maxlength="{int(el["max_length"])}"' if el.get("max_length") else ""
        ph = _attr(html.unescape(text_object(el.get("placeholder"), reader)))
        if el.get("multiline"):
            return (f'<textarea class="field" {data}{limit} placeholder="{ph}">'
                    f'{value}</textarea>')
        return f'<input class="field" type="text" {data}{limit} value="{value}" placeholder="{ph}">'
    if kind == "number_input":
        step = "any" if el.get("is_decimal_allowed") else "1"
        bounds = "".join(f' {attr}="{_attr(el[key])}"' for key, attr in
                         (("min_value", "min"), ("max_value", "max")) if key in el)
        return (f'<input class="field" type="number" step="{step}"{bounds} {data} '
                f'value="{_attr(el.get("initial_value", ""))}">')
    if kind == "datepicker":
        return (f'<input class="field" type="date" {data} '
                f'value="{_attr(el.get("initial_date", ""))}">')
    if kind == "timepicker":
        return (f'<input class="field" type="time" {data} '
                f'value="{_attr(el.get("initial_time", ""))}">')
    if kind in ("static_select", "external_select"):
        chosen = {_option_value(el.get("initial_option"))}
        return f'<select class="field" {data}>{_options(el, chosen, reader, placeholder)}</select>'
    if kind == "multi_static_select":
        chosen = {_option_value(o) for o in el.get("initial_options", [])}
        return (f'<select class="field" multiple {data}>'
                f'{_options(el, chosen, reader, None)}</select>')
    if kind == "users_select":
        chosen = {el.get("initial_user", "")}
        return f'<select class="field" {data}>{_people(reader, chosen, placeholder)}</select>'
    if kind == "multi_users_select":
        chosen = set(el.get("initial_users", []))
        return f'<select class="field" multiple {data}>{_people(reader, chosen, None)}</select>'
    if kind in ("radio_buttons", "checkboxes"):
        chosen = ({_option_value(el.get("initial_option"))} if kind == "radio_buttons"
                  else {_option_value(o) for o in el.get("initial_options", [])})
        kind_attr = "radio" if kind == "radio_buttons" else "checkbox"
        name = _attr(f"{block_id}:{el.get('action_id')}")
        rows = []
        for option in el.get("options", []):
            value = option.get("value", "")
            mark = " checked" if value in chosen else ""
            desc = option.get("description")
            rows.append(f'<label class="choice"><input type="{kind_attr}" name="{name}" '
                        f'value="{_attr(value)}"{mark}> '
                        f'{text_object(option.get("text"), reader)}'
                        + (f'<small>{text_object(desc, reader)}</small>' if desc else "")
                        + "</label>")
        return f'<div class="choices field" {data}>{"".join(rows)}</div>'
    if kind == "overflow":
        options = "".join(f'<option value="{_attr(o.get("value"))}">'
                          f'{text_object(o.get("text"), reader)}</option>'
                          for o in el.get("options", []))
        return f'<select class="field overflow" {data}><option value="">⋯</option>{options}</select>'
    if kind == "image":
        return (f'<img class="thumb" src="{_attr(el.get("image_url"))}" '
                f'alt="{_attr(el.get("alt_text"))}">')
    return f'<span class="unknown">[{_attr(kind)}]</span>'


def block(b: dict, reader: Reader, errors: dict | None = None) -> str:
    kind = b.get("type")
    block_id = b.get("block_id", "")
    bid = f' data-block-id="{_attr(block_id)}"' if block_id else ""
    if kind == "section":
        inner = f'<div class="text">{text_object(b.get("text"), reader)}</div>' \
            if b.get("text") else ""
        if b.get("fields"):
            inner += '<div class="fields">' + "".join(
                f'<div class="f">{text_object(f, reader)}</div>' for f in b["fields"]) + "</div>"
        accessory = b.get("accessory")
        if accessory:
            inner = (f'<div class="main">{inner}</div><div class="accessory">'
                     f'{element(accessory, block_id, reader)}</div>')
        return f'<div class="block section"{bid}>{inner}</div>'
    if kind == "context":
        parts = [element(e, block_id, reader) if e.get("type") == "image"
                 else text_object(e, reader) for e in b.get("elements", [])]
        return f'<div class="block context"{bid}>{" ".join(parts)}</div>'
    if kind == "divider":
        return '<hr class="block divider">'
    if kind == "header":
        return f'<h3 class="block header"{bid}>{text_object(b.get("text"), reader)}</h3>'
    if kind == "actions":
        parts = "".join(element(e, block_id, reader) for e in b.get("elements", []))
        return f'<div class="block actions"{bid}>{parts}</div>'
    if kind == "image":
        title = text_object(b.get("title"), reader)
        return (f'<figure class="block image"{bid}><img src="{_attr(b.get("image_url"))}" '
                f'alt="{_attr(b.get("alt_text"))}"><figcaption>{title}</figcaption></figure>')
    if kind == "input":
        return _input(b, reader, errors or {})
    if kind == "rich_text":
        return f'<div class="block rich"{bid}>{_rich_text(b, reader)}</div>'
    return f'<div class="block unknown">[{_attr(kind)} block]</div>'


def _input(b: dict, reader: Reader, errors: dict) -> str:
    block_id = b.get("block_id", "")
    optional = ' <span class="optional">(optional)</span>' if b.get("optional") else ""
    hint = f'<div class="hint">{text_object(b.get("hint"), reader)}</div>' if b.get("hint") else ""
    error = errors.get(block_id)
    error_html = f'<div class="error">{render_plain(error)}</div>' if error else ""
    dispatch = ' data-dispatch="1"' if b.get("dispatch_action") else ""
    return (f'<div class="block input{" has-error" if error else ""}" '
            f'data-block-id="{_attr(block_id)}"{dispatch}>'
            f'<label>{text_object(b.get("label"), reader)}{optional}</label>'
            f'{element(b.get("element", {}), block_id, reader)}{hint}{error_html}</div>')


def _rich_text(b: dict, reader: Reader) -> str:
    def leaf(e: dict) -> str:
        kind = e.get("type")
        if kind == "text":
            text = html.escape(e.get("text", ""), quote=False)
            style = e.get("style") or {}
            for key, tag in (("code", "code"), ("bold", "b"), ("italic", "i"), ("strike", "s")):
                if style.get(key):
                    text = f"<{tag}>{text}</{tag}>"
            return text
        if kind == "link":
            return (f'<a href="{_attr(e.get("url"))}" target="_blank" rel="noopener noreferrer">'
                    f'{html.escape(e.get("text") or e.get("url", ""))}</a>')
        if kind == "user":
            return f'<span class="mention">@{html.escape(reader.users.get(e.get("user"), e.get("user", "")))}</span>'
        if kind == "emoji":
            return render_plain(f":{e.get('name', '')}:")
        return ""

    def part(e: dict) -> str:
        kind = e.get("type")
        inner = "".join(leaf(x) if "elements" not in x else part(x) for x in e.get("elements", []))
        if kind == "rich_text_list":
            tag = "ol" if e.get("style") == "ordered" else "ul"
            return f"<{tag}>" + "".join(f"<li>{part(x)}</li>" for x in e.get("elements", [])) \
                + f"</{tag}>"
        if kind == "rich_text_quote":
            return f"<blockquote>{inner}</blockquote>"
        if kind == "rich_text_preformatted":
            return f"<pre>{inner}</pre>"
        return inner

    return "".join(part(e) for e in b.get("elements", []))


def blocks(items: list[dict], reader: Reader, errors: dict | None = None) -> str:
    return "".join(block(b, reader, errors) for b in items or [])


def message(msg: dict, reader: Reader) -> str:
    """A message's body: its blocks, or its text when it has none."""
    if msg.get("blocks"):
        return blocks(msg["blocks"], reader)
    return f'<div class="block section"><div class="text">{render_mrkdwn(msg.get("text", ""), reader)}</div></div>'


def modal(view: dict, reader: Reader, errors: dict | None = None) -> str:
    """A modal as a dialog: title, blocks, Close and (when the view has one) Submit."""
    title = text_object(view.get("title"), reader)
    close = text_object(view.get("close"), reader) or "Cancel"
    submit = view.get("submit")
    submit_html = (f'<button class="btn primary" data-submit="1">'
                   f'{text_object(submit, reader)}</button>') if submit else ""
    return (f'<div class="modal" data-view-id="{_attr(view.get("id"))}">'
            f'<div class="modal-title">{title}</div>'
            f'<div class="modal-body">{blocks(view.get("blocks", []), reader, errors)}</div>'
            f'<div class="modal-foot"><button class="btn" data-close="1">{close}</button>'
            f'{submit_html}</div></div>')
