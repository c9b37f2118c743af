"""`view.state.values` as Slack builds it when a modal is submitted or an element changes, from
the raw values the page read of each element (a string, or a list for multi-selects)."""

from __future__ import annotations


def state_for(view: dict, values: dict) -> dict:
    """`view.state.values` as Slack builds it, from what the page read of each element."""
    state: dict = {}
    for block in view.get("blocks", []):
        block_id = block.get("block_id")
        elements = [block["element"]] if block.get("type") == "input" else (
            block.get("elements", []) if block.get("type") == "actions" else [])
        for element in elements:
            action_id = element.get("action_id")
            if not block_id or not action_id or element.get("type") == "button":
                continue
            raw = (values.get(block_id) or {}).get(action_id)
            state.setdefault(block_id, {})[action_id] = element_state(element, raw)
    return state


def element_state(element: dict, raw) -> dict:
    """One element's state from its raw value (a string, or a list for multi-selects)."""
    kind = element["type"]
    many = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
    one = many[0] if many else None
    options = {o.get("value"): o for o in element.get("options", [])}
    for group in element.get("option_groups", []):
        options.update({o.get("value"): o for o in group.get("options", [])})
    if kind in ("plain_text_input", "number_input", "email_text_input", "url_text_input"):
        return {"type": kind, "value": one}
    if kind == "datepicker":
        return {"type": kind, "selected_date": one}
    if kind == "timepicker":
        return {"type": kind, "selected_time": one}
    if kind in ("static_select", "radio_buttons", "external_select"):
        return {"type": kind, "selected_option": options.get(one)}
    if kind in ("multi_static_select", "checkboxes"):
        return {"type": kind, "selected_options": [options[v] for v in many if v in options]}
    if kind == "users_select":
        return {"type": kind, "selected_user": one}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": many}
    return {"type": kind, "value": one}
