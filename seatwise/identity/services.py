"""Identity services: the writes other apps may ask of the identity app."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from seatwise.identity.models import User


@transaction.atomic
def user_email_mark_verified(*, user: User) -> EmailAddress:
    """Record the user's own e-mail address as verified and primary, so that allauth (with
    mandatory verification) lets the user sign in. Writes nothing when it already is."""
    address = (
        EmailAddress.objects.select_for_update().filter(user=user, email__iexact=user.email).first()
    )
    if address is None:
        EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
        return EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if address.verified and address.primary:
        return address
    EmailAddress.objects.filter(user=user, primary=True).exclude(pk=address.pk).update(
        primary=False
    )
    address.verified = True
    address.primary = True
    address.save(update_fields=["verified", "primary"])
    return address
