SOFT_RELOAD = {"type": "ir.actions.client", "tag": "soft_reload"}
CLOSE = {"type": "ir.actions.act_window_close"}


def notification_action(message, notification_type="success", next_action=None, title=None):
    """The client action that shows ``message`` in a notification (``success``,
    ``warning``, ``danger`` or ``info``), then runs ``next_action``."""
    params = {"type": notification_type, "message": message}
    if title:
        params["title"] = title
    if next_action:
        params["next"] = next_action
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
