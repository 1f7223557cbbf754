from seatwise.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)


class OrganizationNotFound(NotFoundError):
    code = "organization_not_found"


class RoleRequired(PermissionDeniedError):
    code = "role_required"


class InvalidOrganizationTree(ValidationError):
    code = "invalid_organization_tree"


class TermsTextRequired(ValidationError):
    code = "terms_text_required"


class TermsNotFound(NotFoundError):
    code = "terms_not_found"


class TermsChanged(ValidationError):
    code = "terms_changed"


class MembershipNotFound(NotFoundError):
    code = "membership_not_found"


class LastOwner(ConflictError):
    code = "last_owner"


class AlreadyRegistered(ValidationError):
    code = "already_registered"


class AgreementRequired(ValidationError):
    code = "agreement_required"
