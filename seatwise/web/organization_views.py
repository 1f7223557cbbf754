"""My account → Users (members and invitations of the acting organization) and the page an
invitation's link opens. Thin views over ``tenancy`` services and selectors; the e-mail goes
out through ``notifications``.

Someone without an account who holds an invitation chooses *Create an account*
(``/register/?invitation=<token>``): the registration wizard (``registration_views``) then
runs locked to the invited address and comes back to the invitation page, signed in, to
accept or decline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from seatwise.core.errors import ApplicationError
from seatwise.notifications.services import notification_send
from seatwise.tenancy import invitations
from seatwise.tenancy.enums import MANAGING_ROLES, Role
from seatwise.tenancy.exceptions import OrganizationNotFound
from seatwise.tenancy.selectors import (
    access_organization,
    can_invite,
    invitation_get_by_token,
    invitation_pending_list,
    member_list,
    organization_visible_list,
    require_role,
)
from seatwise.tenancy.services import (
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_withdraw,
    membership_change_role,
    membership_remove,
)
from seatwise.web.errors import render_error
from seatwise.web.forms import InvitationForm
from seatwise.web.registration_views import invitation_forget
from seatwise.web.shop import ORGANIZATION_SESSION_KEY, shop_for


def _messages() -> dict[str, str]:
    return {
        "role_required": _("Your role in this organization does not allow inviting users."),
        "organization_not_found": _("You do not act for an organization yet."),
        "invitation_not_found": _(
            "This invitation does not exist, has expired or has already been used."
        ),
        "already_member": _("This person is already a member of the organization."),
        "invitation_email_mismatch": _("This invitation was sent to another e-mail address."),
    }


def _users_page(request, organization, *, form=None, status=200):
    may_invite = can_invite(user=request.user, organization=organization)
    if may_invite and form is None:
        form = InvitationForm(
            organizations=organization_visible_list(organization=organization),
            initial={"organization": organization.pk, "role": Role.READ_ONLY},
        )
    return render(
        request,
        "web/account/users.html",
        {
            "organization": organization,
            "members": list(member_list(user=request.user, organization=organization)),
            "invitations": list(
                invitation_pending_list(user=request.user, organization=organization)
            ),
            "form": form if may_invite else None,
            "may_manage": may_invite,
            "role_choices": Role.choices,
        },
        status=status,
    )


def _send_invitation(request, *, invitation, token: str) -> None:
    notification_send(
        event="tenancy.invitation",
        to_email=invitation.email,
        context={
            "inviter_name": request.user.get_full_name() or request.user.email,
            "organization_name": invitation.organization.name,
            "role": str(Role(invitation.role).label),
            "accept_url": request.build_absolute_uri(reverse("web:invitation", args=[token])),
            "expires_days": invitations.VALID_FOR_DAYS,
        },
        language=request.LANGUAGE_CODE,
        organization_id=invitation.organization_id,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organization_users(request):
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        if request.method != "POST":
            return _users_page(request, organization)
        require_role(user=request.user, organization=organization, roles=MANAGING_ROLES)
        form = InvitationForm(
            request.POST, organizations=organization_visible_list(organization=organization)
        )
        if not form.is_valid():
            return _users_page(request, organization, form=form, status=400)
        target = access_organization(
            user=request.user, organization=organization, pk=form.cleaned_data["organization"]
        )
        try:
            with transaction.atomic():
                invitation, token = invitation_create(
                    actor=request.user,
                    organization=target,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
                _send_invitation(request, invitation=invitation, token=token)
        except ApplicationError as exc:
            if exc.status != 400:
                raise
            form.add_error(exc.details.get("field") or None, _messages().get(exc.code, exc.message))
            return _users_page(request, organization, form=form, status=400)
        messages.success(
            request,
            _("Invitation sent to %(email)s.") % {"email": invitation.email},
        )
        return redirect("web:organization_users")
    except ApplicationError as exc:
        return render_error(request, exc, _messages())


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    try:
        found = invitation_get_by_token(token=token)
    except ApplicationError as exc:
        return render_error(request, exc, _messages())
    user = request.user
    here = reverse("web:invitation", args=[token])
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "decline":
            try:
                invitation_decline(token=token, user=user)
            except ApplicationError as exc:
                return render_error(request, exc, _messages())
            invitation_forget(request)
            messages.info(request, _("You declined the invitation."))
            return redirect("web:home")
        if action == "accept":
            if not user.is_authenticated:
                return redirect(f"{reverse('account_login')}?{urlencode({'next': here})}")
            try:
                membership = invitation_accept(token=token, user=user)
            except ApplicationError as exc:
                if exc.status != 403:
                    return render_error(request, exc, _messages())
                return _invitation_page(request, found, token=token, refused=True, status=403)
            invitation_forget(request)
            request.session[ORGANIZATION_SESSION_KEY] = membership.organization_id
            messages.success(
                request,
                _("Welcome to %(organization)s.") % {"organization": found.organization.name},
            )
            return redirect("web:home")
    return _invitation_page(request, found, token=token)


def _invitation_page(request, found, *, token: str, refused: bool = False, status: int = 200):
    user = request.user
    here = reverse("web:invitation", args=[token])
    matches = user.is_authenticated and (invitations.normalize_email(user.email) == found.email)
    response = render(
        request,
        "web/account/invitation.html",
        {
            "invitation": found,
            "role_label": Role(found.role).label,
            "inviter": found.invited_by.get_full_name() or found.invited_by.email,
            "matches": matches,
            "refused": refused,
            "next_query": urlencode({"next": here}),
            "register_query": urlencode({"invitation": token}),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"  # the token never leaves the site
    return response


# --- Members: change a role, remove a member, withdraw an invitation ------------------------


def _member_messages() -> dict[str, str]:
    return {
        "role_required": _("Your role in this organization does not allow managing users."),
        "owner_role_required": _("Only an owner can grant, take away or remove the owner role."),
        "organization_not_found": _("You do not act for an organization yet."),
        "membership_not_found": _("This member does not exist or is not in your organization."),
        "invitation_not_found": _(
            "This invitation does not exist, has expired or has already been used."
        ),
        "last_owner": _("The organization needs an owner: make someone else owner first."),
        "invalid_input": _("Choose a role."),
    }


def _member_action(request, action, success: str):
    """Run ``action(organization)`` for the acting organization; a refused change comes
    back to the Users page with the reason (409 / 400), a forbidden one is the error page."""
    organization = shop_for(request).viewer
    try:
        if organization is None:
            raise OrganizationNotFound("No organization.")
        action(organization)
    except ApplicationError as exc:
        if exc.status in (400, 409):
            messages.error(request, _member_messages().get(exc.code, exc.message))
            return redirect("web:organization_users")
        return render_error(request, exc, _member_messages())
    messages.success(request, success)
    return redirect("web:organization_users")


@login_required
@require_POST
def membership_role_change(request, pk: int):
    role = request.POST.get("role", "")
    return _member_action(
        request,
        lambda organization: membership_change_role(
            actor=request.user, organization=organization, pk=pk, role=role
        ),
        _("The role was changed."),
    )


@login_required
@require_POST
def membership_remove_view(request, pk: int):
    return _member_action(
        request,
        lambda organization: membership_remove(
            actor=request.user, organization=organization, pk=pk
        ),
        _("The member was removed from the organization."),
    )


@login_required
@require_POST
def invitation_withdraw_view(request, pk: int):
    return _member_action(
        request,
        lambda organization: invitation_withdraw(
            actor=request.user, organization=organization, pk=pk
        ),
        _("The invitation was withdrawn; its link no longer works."),
    )
