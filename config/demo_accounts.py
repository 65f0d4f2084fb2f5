"""Demo accounts, one per role: admin, planner and viewer (and a supplier, by the orchestration demo), with
passwords kept in .run/ so re-runs reuse them. Beside the roles (config/api/roles.py): both apps' demos use it."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction

from config.api.roles import PLANNER_GROUP, VIEWER_GROUP


def _password(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password)
    path.chmod(0o600)
    return password


@transaction.atomic
def demo_account_ensure(*, username: str, secrets_dir: Path, group: str | None) -> tuple[User, str]:
    """Create (or reset) one demo account: a superuser when `group` is None, else a member of `group` only."""
    password = _password(secrets_dir / f"{username}-password")
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = user.is_superuser = group is None
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=group)[0]] if group else [])
    return user, password


@transaction.atomic
def demo_users_ensure(*, secrets_dir: Path) -> dict[str, str]:
    """Create (or reset) the demo admin, planner and viewer; returns username -> password."""
    accounts = {}
    for username, group in (("admin", None), ("planner", PLANNER_GROUP), ("viewer", VIEWER_GROUP)):
        accounts[username] = demo_account_ensure(username=username, secrets_dir=secrets_dir, group=group)[1]
    return accounts
