"""Demo accounts: an admin and a planner, with passwords kept in .run/ so re-runs reuse them."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction

from config.api.permissions import PLANNER_GROUP


def _password(path: Path) -> str:
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password)
    path.chmod(0o600)
    return password


@transaction.atomic
def demo_users_ensure(*, secrets_dir: Path) -> dict[str, str]:
    """Create (or reset) the demo admin and planner; returns username -> password."""
    planners, _ = Group.objects.get_or_create(name=PLANNER_GROUP)
    accounts = {}
    for username, is_admin in (("admin", True), ("planner", False)):
        password = _password(secrets_dir / f"{username}-password")
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = is_admin
        user.set_password(password)
        user.save()
        if not is_admin:
            user.groups.add(planners)
        accounts[username] = password
    return accounts
