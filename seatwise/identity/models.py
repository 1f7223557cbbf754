"""Users. Identity is by e-mail; there is no separate username."""

from __future__ import annotations

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    surname = models.CharField(_("surname"), max_length=100, blank=True)
    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    phone = PhoneNumberField(_("phone number"), blank=True)
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return f"{self.given_name} {self.surname}".strip() or self.email

    def get_short_name(self) -> str:
        return self.given_name or self.email


class CodePurpose(models.TextChoices):
    EMAIL_VERIFICATION = "email_verification", _("E-mail verification")
    PHONE_VERIFICATION = "phone_verification", _("Phone verification")
    SIGN_IN = "sign_in", _("Sign-in second factor")
    PASSWORD_RESET_EMAIL = "password_reset_email", _("Password recovery by e-mail")
    PASSWORD_RESET_PHONE = "password_reset_phone", _("Password recovery by phone")


class VerificationCode(models.Model):
    """A one-time code sent to an e-mail address or phone number. Only a hash is stored;
    a code expires, allows a few attempts and is used at most once."""

    purpose = models.CharField(max_length=32, choices=CodePurpose.choices)
    target = models.CharField(max_length=254, help_text=_("E-mail address or E.164 phone"))
    user = models.ForeignKey(
        "identity.User", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("verification code")
        verbose_name_plural = _("verification codes")
        indexes = [models.Index(fields=["purpose", "target", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.target}"
