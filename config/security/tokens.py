"""API tokens do not outlive the password or the account they were issued for.

When a user's password changes (a new hash is saved) or the account is deactivated, every knox token of that
user is deleted in the same transaction. Django already ends the user's other sessions on a password change
(the session keeps a hash of the password) and refuses inactive users, so this closes the token side.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from knox.models import get_token_model

User = get_user_model()


def tokens_revoke(*, user) -> int:
    """Delete every API token of `user`; returns how many there were."""
    deleted, _ = get_token_model().objects.filter(user=user).delete()
    return deleted


@receiver(pre_save, sender=User, dispatch_uid="sitesel_tokens_note_credential_change")
def _note_credential_change(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    instance._sitesel_revoke_tokens = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    deactivated = before["is_active"] and not instance.is_active
    instance._sitesel_revoke_tokens = deactivated or before["password"] != instance.password


@receiver(post_save, sender=User, dispatch_uid="sitesel_tokens_revoke_on_credential_change")
def _revoke_on_credential_change(sender, instance, raw=False, **kwargs) -> None:
    if getattr(instance, "_sitesel_revoke_tokens", False):
        instance._sitesel_revoke_tokens = False
        tokens_revoke(user=instance)
