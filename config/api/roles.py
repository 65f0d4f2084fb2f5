"""Who a signed-in user is, for the API and the web pages alike: one role, resolved once per request.

Deny by default (docs/reliability.md §1). In order of precedence a user is:

- admin: a superuser; everything.
- supplier: acts for a supplier (a `SupplierMembership`); reads that supplier's own rows on the routes
  that allow it and posts its ship notices; nothing else. A member of the "supplier" group without a
  membership is a supplier of no one: it sees nothing.
- planner: group "planner"; reads and writes the planning data.
- viewer: group "viewer"; reads what planners read, writes nothing.
- none: any other signed-in user; 403 on every API route and web page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.exceptions import PermissionDenied
from django.db.models import Min, Q

PLANNER_GROUP = "planner"
VIEWER_GROUP = "viewer"
SUPPLIER_GROUP = "supplier"


class Role(StrEnum):
    ADMIN = "admin"
    PLANNER = "planner"
    VIEWER = "viewer"
    SUPPLIER = "supplier"
    NONE = "none"


INTERNAL_READERS = frozenset({Role.ADMIN, Role.PLANNER, Role.VIEWER})
WRITERS = frozenset({Role.ADMIN, Role.PLANNER})
NO_ROLE_MESSAGE = "Your account has no role here; an admin can make it a viewer or a planner."


@dataclass(frozen=True)
class Access:
    role: Role
    supplier_id: int | None = None  # the supplier a SUPPLIER acts for; None: no one's rows


NO_ACCESS = Access(Role.NONE)


def role_annotations(user_path: str = "") -> dict:
    """What a role is made of, as annotations on a query over users (or over rows that point at one through
    `user_path`, e.g. "user__"): the supplier the user acts for and the user's group names."""
    return {
        "acts_for": Min(f"{user_path}supplier_membership__supplier_id"),
        "group_names": ArrayAgg(
            f"{user_path}groups__name", filter=Q(**{f"{user_path}groups__isnull": False}), distinct=True, default=[]
        ),
    }


def access_from(user, *, acts_for: int | None, group_names: list[str]) -> Access:
    """The role that a user's flags, supplier membership and groups give (precedence in the module doc)."""
    if user is None or not user.is_authenticated:
        return NO_ACCESS
    if user.is_superuser:
        return Access(Role.ADMIN)
    if acts_for is not None or SUPPLIER_GROUP in group_names:
        return Access(Role.SUPPLIER, acts_for)
    if PLANNER_GROUP in group_names:
        return Access(Role.PLANNER)
    if VIEWER_GROUP in group_names:
        return Access(Role.VIEWER)
    return NO_ACCESS


def remember_access(user, access: Access) -> None:
    """Keep the user's role on the user object for the rest of the request (`user_access` reads it)."""
    user._sitesel_access = access


def _resolve(user) -> Access:
    if user is None or not user.is_authenticated or user.is_superuser:
        return access_from(user, acts_for=None, group_names=[])
    # One query for both facts; `supplier_membership` is orchestration's one-to-one link to the user.
    users = get_user_model().objects.filter(pk=user.pk).annotate(**role_annotations())
    acts_for, group_names = users.values_list("acts_for", "group_names").get()
    return access_from(user, acts_for=acts_for, group_names=group_names)


def user_access(user) -> Access:
    """The user's role (and supplier), memoised on the user object for the request."""
    cached = getattr(user, "_sitesel_access", None)
    if cached is None:
        cached = _resolve(user)
        if user is not None:
            remember_access(user, cached)
    return cached


def user_role(user) -> Role:
    return user_access(user).role


def internal_page(view):
    """Web pages are for admins, planners and viewers: sign in first, and any other role gets a 403."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if user_role(request.user) not in INTERNAL_READERS:
            raise PermissionDenied(NO_ROLE_MESSAGE)
        return view(request, *args, **kwargs)

    return wrapped
