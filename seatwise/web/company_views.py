"""Registration, step two: the company (guide 2.3–2.5). A signed-in user without an
organization enters the company's details and either asks for a new Microsoft tenant (a
domain name checked live through the Microsoft connector, and the Microsoft Customer
Agreement) or skips the tenant: "I don't want to buy CSP products now" or "My company
already has a Microsoft tenant". Also the reseller storefront link ``/r/<slug>/``, which
makes a registration land under that reseller. Thin views over ``connectors`` and
``tenancy``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_countries import countries

from seatwise.connectors.domains import MAX_LENGTH, SUFFIX
from seatwise.connectors.exceptions import ConnectorUnavailable, InvalidTenantDomain
from seatwise.connectors.selectors import tenant_domain_check
from seatwise.connectors.services import CompanyDetails, customer_register
from seatwise.core.errors import ApplicationError
from seatwise.tenancy.enums import TenantChoice
from seatwise.tenancy.selectors import (
    membership_list_for_user,
    registration_parent,
    reseller_by_slug,
    user_has_membership,
)
from seatwise.web.ratelimits import rate_limit_message, rate_limit_wait
from seatwise.web.shop import ORGANIZATION_SESSION_KEY

STOREFRONT_RESELLER_SESSION_KEY = "storefront_reseller_id"

COMPANY_FIELDS = (
    "name",
    "tax_number",
    "address_line1",
    "address_line2",
    "postal_code",
    "city",
    "phone",
)


def _unavailable_message() -> str:
    return _("We could not check the domain name now. Try again in a moment.")


def _choice(raw: object) -> str:
    return str(raw) if str(raw) in TenantChoice.values else TenantChoice.NEW


def _page(request, *, choice: str, values: dict | None = None, errors=None, error="", status=200):
    values = values or {}
    errors = errors or {}
    labels = {
        "name": _("Company name"),
        "tax_number": _("Registration number"),
        "address_line1": _("Street address"),
        "address_line2": _("Street address 2"),
        "postal_code": _("Zip / postal code"),
        "city": _("City"),
        "phone": _("Phone"),
    }

    def field(name, **extra):
        return {
            "name": name,
            "label": labels[name],
            "value": values.get(name, ""),
            "error": errors.get(name, ""),
            **extra,
        }

    response = render(
        request,
        "web/register/company.html",
        {
            "choice": choice,
            "choices": TenantChoice,
            "company_fields": [
                field("name", required=True, maxlength=200, autocomplete="organization"),
                field(
                    "tax_number",
                    required=False,
                    maxlength=50,
                    autocomplete="off",
                    help=_(
                        "The company's registration number (in Ukraine, the EDRPOU code). "
                        "Microsoft requires it to create a tenant in some countries."
                    ),
                ),
            ],
            "address_fields": [
                field("address_line1", required=True, maxlength=200, autocomplete="address-line1"),
                field("address_line2", required=False, maxlength=200, autocomplete="address-line2"),
                field("postal_code", required=True, maxlength=20, autocomplete="postal-code"),
                field("city", required=True, maxlength=100, autocomplete="address-level2"),
            ],
            "phone_field": field("phone", required=True, maxlength=30, autocomplete="tel"),
            "countries": list(countries),
            "country": values.get("country", ""),
            "country_error": errors.get("country", ""),
            "domain": values.get("domain", ""),
            "domain_confirm": values.get("domain_confirm", ""),
            "domain_error": errors.get("domain", ""),
            "domain_confirm_error": errors.get("domain_confirm", ""),
            "agreement_error": errors.get("agreement", ""),
            "agreement_checked": values.get("agreement") == "on",
            "mca_url": settings.SEATWISE_MCA_URL,
            "suffix": SUFFIX,
            "max_length": MAX_LENGTH,
            "error": error,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def company_register(request):
    if user_has_membership(user=request.user):
        messages.info(request, _("Your account already belongs to an organization."))
        return redirect("web:home")
    choice = _choice(request.POST.get("tenant_choice") or request.GET.get("tenant"))
    if request.method == "GET":
        return _page(request, choice=choice)
    values = {
        name: request.POST.get(name, "")
        for name in (*COMPANY_FIELDS, "country", "domain", "domain_confirm", "agreement")
    }
    parent = registration_parent(reseller_id=request.session.get(STOREFRONT_RESELLER_SESSION_KEY))
    try:
        registration = customer_register(
            user=request.user,
            parent=parent,
            company=CompanyDetails(
                name=values["name"],
                address_line1=values["address_line1"],
                address_line2=values["address_line2"],
                postal_code=values["postal_code"],
                city=values["city"],
                country=values["country"],
                phone=values["phone"],
                tax_number=values["tax_number"],
            ),
            tenant_choice=choice,
            domain=values["domain"],
            domain_confirm=values["domain_confirm"],
            agreement_accepted=values["agreement"] == "on",
            agreement_version=settings.SEATWISE_MCA_VERSION,
            ip=request.META.get("REMOTE_ADDR"),
            sign_in_url=request.build_absolute_uri(reverse("account_login")),
            language=request.LANGUAGE_CODE,
        )
    except ConnectorUnavailable:
        return _page(
            request, choice=choice, values=values, error=_unavailable_message(), status=503
        )
    except ApplicationError as exc:
        if exc.code == "already_registered":
            messages.info(request, exc.message)
            return redirect("web:home")
        fields = exc.details.get("fields") or {}
        return _page(
            request,
            choice=choice,
            values=values,
            errors=fields,
            error="" if fields else exc.message,
            status=409 if exc.status == 409 else 400,
        )
    request.session[ORGANIZATION_SESSION_KEY] = registration.organization_id
    request.session.pop(STOREFRONT_RESELLER_SESSION_KEY, None)
    return redirect("web:company_register_done")


@login_required
@require_GET
def company_domain_check(request):
    """The live availability line under the domain field (an HTMX fragment)."""
    raw = request.GET.get("domain", "")
    context: dict = {"suffix": SUFFIX}
    wait = rate_limit_wait(request, action="domain_check", scope=f"user:{request.user.pk}")
    if wait:
        # Answered 200 so that htmx swaps the line in (it drops 4xx bodies); the wait is in
        # the message and in Retry-After. The form's submit checks the domain again anyway.
        context.update(state="unavailable", message=rate_limit_message(wait))
        response = render(request, "web/register/company_domain_status.html", context)
        response["Retry-After"] = str(wait)
        response["Cache-Control"] = "no-store"
        return response
    if not raw.strip():
        context["state"] = "empty"
    else:
        try:
            check = tenant_domain_check(prefix=raw, country=request.GET.get("country", ""))
        except InvalidTenantDomain as exc:
            context.update(state="invalid", message=exc.message)
        except ConnectorUnavailable:
            context.update(state="unavailable", message=_unavailable_message())
        else:
            context.update(state="available" if check.available else "taken", check=check)
    response = render(request, "web/register/company_domain_status.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def company_register_done(request):
    memberships = list(membership_list_for_user(user=request.user)[:1])
    if not memberships:
        return redirect("web:company_register")
    return render(
        request,
        "web/register/company_done.html",
        {"organization": memberships[0].organization},
    )


@require_GET
def reseller_storefront(request, slug: str):
    """A reseller's storefront link: who registers after following it becomes that
    reseller's customer."""
    reseller = reseller_by_slug(slug=slug)
    if reseller is None:
        raise Http404(_("This shop does not exist."))
    request.session[STOREFRONT_RESELLER_SESSION_KEY] = reseller.pk
    return redirect("web:home")
