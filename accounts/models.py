"""The member: e-mail is the login, a display name is what others see (never anything from the e-mail)."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser, BaseUserManager, Group
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.hiding import Hidden, hidden_fields, sees_hidden
from core.text import has_visible_text, tidy_line

BIO_MAX = 2000
DISPLAY_NAME_MAX = 60


class Role(models.TextChoices):
    """Roles are Django groups of these names, granted with `manage.py grant_role`."""

    MODERATOR = "moderators", _("Moderator")
    PRODUCT_TEAM = "product_team", _("Product team")


def holds_role(member) -> models.Exists:
    """Whether the member (an id, or OuterRef to one) holds a staff role (moderator, product team), in SQL."""
    return models.Exists(Group.objects.filter(user=member, name__in=Role.values))


def tidy_display_name(name: str) -> str:
    """A display name as stored: no invisible or reordering characters, single spaces, and empty when
    nothing visible is left (the member then shows as "Member #<id>")."""
    name = tidy_line(name)
    return name if has_visible_text(name) else ""


class UserManager(BaseUserManager):
    # Not in migrations: a migration never imports app code.
    use_in_migrations = False

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        """The whole address in lower case, as allauth looks addresses up (Django lowercases only the
        domain): "Boss@Example.com" and "boss@example.com" are one member."""
        return super().normalize_email(email).lower()

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX, blank=True)
    bio = models.TextField(_("about you"), max_length=BIO_MAX, blank=True)
    bio_html = models.TextField(blank=True, editable=False)
    avatar_url = models.URLField(_("picture"), max_length=500, blank=True)
    # Moderation: the profile (about and picture) hidden (core.hiding); a suspension lets the member read
    # but not write until it ends (accounts.permissions.can_write); a ban ends sign-in (is_active False).
    profile_hidden, profile_hidden_at, profile_hidden_reason = hidden_fields()
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True, editable=False)
    suspension_reason = models.TextField(_("why suspended"), blank=True, editable=False)
    suspension_count = models.PositiveSmallIntegerField(_("suspensions so far"), default=0, editable=False)
    banned_at = models.DateTimeField(_("banned"), null=True, blank=True, editable=False)
    ban_reason = models.TextField(_("why banned"), blank=True, editable=False)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args, **kwargs):
        """Every way in (forms, the admin, createsuperuser, plain saves) stores the address in lower case."""
        self.email = type(self).objects.normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        """What other people see: the display name, else "Member #<number>". Never derived from the e-mail
        address, which is private."""
        if self.display_name:
            return self.display_name
        if self.pk is None:
            return gettext("New member")
        return pgettext("public name of a member without a display name", "Member #%(number)d") % {"number": self.pk}

    @property
    def initials(self) -> str:
        """One or two letters for the generated avatar."""
        words = [w for w in self.public_name.replace(".", " ").split() if w[:1].isalnum()]
        letters = "".join(w[0] for w in words[:2]) or "?"
        return letters.upper()

    def get_absolute_url(self) -> str:
        return reverse("member_profile", args=[self.pk])

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The member's groups; lists prefetch them with the authors (`groups.all()` reads the prefetch)."""
        return frozenset(group.name for group in self.groups.all())

    @property
    def roles(self) -> list[Role]:
        """The roles the member holds, in a fixed order, for the badges beside their name everywhere it
        appears (an admin holds every role)."""
        return [role for role in Role if self.is_superuser or role in self.role_names]

    @property
    def is_moderator(self) -> bool:
        return self.is_superuser or Role.MODERATOR in self.role_names

    @property
    def is_product_team(self) -> bool:
        return self.is_superuser or Role.PRODUCT_TEAM in self.role_names

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def profile_is_hidden(self) -> bool:
        return self.profile_hidden != Hidden.NO

    def profile_concealed_from(self, viewer) -> bool:
        """Whether moderation hides this member's bio and picture from `viewer` (all but the member and staff)."""
        return self.profile_is_hidden and not sees_hidden(viewer, self.pk)

    @property
    def is_staff_member(self) -> bool:
        """Moderators, product team and admins: the people who may act on others' content."""
        return self.is_moderator or self.is_product_team
