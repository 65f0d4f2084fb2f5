"""Admin plumbing both apps use."""

from __future__ import annotations


class ReadOnlyAdminMixin:
    """View-only: the rows are written by imports or services, never by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
