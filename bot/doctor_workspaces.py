"""`pact doctor` for many workspaces: each installation's token, and stopped workspaces."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from sqlalchemy import select

MAX_LISTED = 10


def install_state_checks(engine, check) -> list:
    """Workspaces where Pact was uninstalled or its token revoked: nothing runs for them."""
    from storage.models import WorkspaceInstall

    with engine.connect() as conn:
        rows = conn.execute(select(WorkspaceInstall.workspace_id, WorkspaceInstall.uninstalled_at,
                                   WorkspaceInstall.purge_after)
                            .where(WorkspaceInstall.state == "uninstalled",
                                   WorkspaceInstall.purged_at.is_(None))
                            .order_by(WorkspaceInstall.uninstalled_at).limit(MAX_LISTED)).all()
    if not rows:
        return []
    listed = "; ".join(
        f"{r.workspace_id} since {r.uninstalled_at:%Y-%m-%d}, "
        + (f"data deleted after {r.purge_after:%Y-%m-%d}" if r.purge_after else "data kept")
        for r in rows)
    return [check("stopped workspaces", False,
                  f"uninstalled or token revoked, nothing is sent there: {listed}",
                  "Reinstall Pact in the workspace (before the date shown to keep its data); "
                  "its schedules and messages resume by themselves.")]


def oauth_checks(settings, check) -> list:
    """OAuth mode: the credentials, and each installation's token (refreshed if due): each
    workspace's, and each organisation's installed org-wide."""
    from bot.installations import INSTALL_PATH, REDIRECT_PATH, WorkspaceClients
    from storage.engine import make_engine
    from storage.models.installations import slack_bots

    checks = [check("oauth", True, f"client id {settings.client_id}; install at "
                    f"https://YOUR-HOST{INSTALL_PATH}, redirect URL "
                    f"https://YOUR-HOST{REDIRECT_PATH}")]
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            installs = conn.execute(
                select(slack_bots.c.enterprise_id, slack_bots.c.team_id).distinct()
                .order_by(slack_bots.c.enterprise_id, slack_bots.c.team_id)).all()
        if not installs:
            return [*checks, check("workspaces", False, "no workspace has installed Pact yet",
                                   f"Open https://YOUR-HOST{INSTALL_PATH} and install it.")]
        clients = WorkspaceClients(settings, engine)
        bad = []
        for enterprise_id, team in installs[:MAX_LISTED]:
            # An org-wide install (no team) has one token for every workspace of the org.
            name = team or f"organisation {enterprise_id}"
            try:
                client = (clients.for_workspace(team) if team
                          else clients.for_organisation(enterprise_id))
                if client is None:
                    bad.append(f"{name}: no bot token")
                else:
                    client.auth_test()
            except SlackApiError as err:
                bad.append(f"{name}: {err.response.get('error')}")
            except Exception as err:  # noqa: BLE001 - network trouble is a failed check
                bad.append(f"{name}: {type(err).__name__}")
        if bad:
            checks.append(check("workspaces", False, f"{len(bad)} of {len(installs)} "
                                f"installation token(s) refused: {'; '.join(bad)}",
                                "Reinstall Pact in those workspaces (the token was revoked or "
                                "could not be refreshed)."))
        else:
            checks.append(check("workspaces", True, f"{len(installs)} installed, every token "
                                "accepted"))
        return checks
    finally:
        engine.dispose()
