"""Who may go by which display name: names that pass for staff, or for the forum's own labels, are kept.

Anyone may choose any display name, and names are not unique, so a name is refused when it would
make readers take a member for someone they are not: a role word or its stem ("Mona Moderator",
"M0d Squad", "ModBot", "Moderation Team", "Moderador", "Produktteamet") from a member who does not
hold that role, a name that contains a staff member's name ("Patrik Product (PM)"), or a label the
forum shows in place of a name ("Member #12", "Deleted member").

Names are compared folded (`_readings`, `_words`): NFKC, without accents, invisible characters,
spacing or punctuation, case folded, with digits and signs that look like letters read as those
letters ("M0d"), and every other letter read as Latin in two ways, both checked: as it looks (the
Unicode TR39 confusables that the confusable-homoglyphs package ships: Greek "Μ", Cherokee "Ꮇ", Lisu
"ꓟ", Coptic "ⲟ", plus a few look-alikes that data maps elsewhere, such as Greek "Λ" for "A") and as
it is transliterated (anyascii, for Latin, Greek, Cyrillic and similar scripts: "Модератор", small
capitals "ᴍᴏᴅ", "ø").
"""

import functools
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from anyascii import anyascii
from confusable_homoglyphs.categories import alias
from confusable_homoglyphs.confusables import confusables_data
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.content import link_count
from core.errors import DomainError, NotAllowed
from core.permissions import ALLOWED, Verdict, refuse
from core.ratelimit import RateLimited, unlimited
from core.text import moment, strip_invisible

# Digits and signs that readers take for a Latin letter. "l", "1", "|" and "!" all read as "i", on
# both sides of a comparison, so "Officia1" and "0ffic1al" fold like "Official".
_LOOKALIKES = str.maketrans(dict(zip("0134578926@$!|l€", "oieastbgzgasiiie", strict=True)))
# Letters that look Latin but that TR39 maps to another non-Latin letter (small Cyrillic and Greek).
_MORE_CONFUSABLES = dict(zip("вкмнтїβεηκπτχωΛ", "bkmhtibenkntxwA", strict=True))
# Scripts whose letters are transliterated: those a Latin reader half-reads.
_TRANSLITERATED = {"LATIN", "GREEK", "CYRILLIC", "COPTIC", "ARMENIAN", "CHEROKEE", "LISU"}
_DIGRAPHS = (("rn", "m"), ("vv", "w"))
_CAMEL_CASE = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SEPARATORS = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"(.)\1+")
_MEMBER_NUMBER = re.compile(r"(member|medlem)\W*\d+")


@functools.cache
def _confusable(char: str) -> str | None:
    """The ASCII letters that `char` is confused with (TR39), if any."""
    for homoglyph in confusables_data.get(char, ()):
        if homoglyph["c"].isascii() and homoglyph["c"].isalnum():
            return homoglyph["c"]
    return _MORE_CONFUSABLES.get(char)


@functools.cache
def _transliterated(char: str) -> str | None:
    if unicodedata.category(char).startswith("L") and alias(char) in _TRANSLITERATED:
        return anyascii(char) or None
    return None


def _read(char: str, *, by_sound: bool) -> str:
    if char.isascii():
        return char
    readers = (_transliterated, _confusable) if by_sound else (_confusable, _transliterated)
    for reader in readers:
        if (reading := reader(char)) is not None:
            return reading
    return char


def _readings(name: str) -> list[str]:
    """The name read as it looks and as it sounds: without invisible characters or accents, letters
    read as Latin where they can be, case kept (for "ModBot"), digits not yet read as letters."""
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", strip_invisible(name)))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return list(dict.fromkeys("".join(_read(c, by_sound=by_sound) for c in text) for by_sound in (False, True)))


def _words(reading: str, *, camel_case: bool = False) -> list[str]:
    """A reading's words, folded; runs of single letters ("M o d") are joined into one word, and with
    `camel_case` a capital inside a word starts a new one ("ModBot")."""
    if camel_case:
        reading = _CAMEL_CASE.sub(" ", reading)
    text = reading.casefold().translate(_LOOKALIKES)
    for pair, letter in _DIGRAPHS:
        text = text.replace(pair, letter)
    words: list[str] = []
    letters = ""
    for word in filter(None, _SEPARATORS.split(text)):
        if len(word) == 1:
            letters += word
            continue
        words += [letters, word] if letters else [word]
        letters = ""
    return [*words, letters] if letters else words


def _wordings(name: str) -> list[list[str]]:
    """Every way the name is compared: each reading, with and without camel case split."""
    return [_words(reading, camel_case=camel) for reading in _readings(name) for camel in (False, True)]


def _fold(name: str) -> set[str]:
    """The name as compared, in each reading: two names that fold alike look alike to a reader."""
    return {"".join(words) for words in _wordings(name)} - {""}


def _single(text: str) -> str:
    return _REPEATS.sub(r"\1", text)


# Compounds of a role word that still name the role: "Headmod", "ModBot", "Modteam", "Staffteam".
_PREFIXES = ["the", "head", "chief", "lead", "super", "senior", "site", "forum", "global", "community", "sys", "team"]
_SUFFIXES = [
    "s",
    "bot",
    "bots",
    "team",
    "teamet",
    "squad",
    "crew",
    "staff",
    "hq",
    "desk",
    "help",
    "support",
    "official",
]
_PREFIX = "(?:" + "|".join(map(_single, _PREFIXES)) + ")?"
_SUFFIX = "(?:" + "|".join(map(_single, _SUFFIXES)) + ")?"


@dataclass(frozen=True)
class _Term:
    word: str  # as shown in the refusal
    where: str  # "word": a word alone or in a compound; "start": the start of a word; "anywhere": inside the name
    may_use: Callable[[User], bool]

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str]:
        term = re.escape(_single("".join(_words(_readings(self.word)[0]))))
        if self.where == "word":
            return re.compile(_PREFIX + term + _SUFFIX)
        if self.where == "start":
            return re.compile(_PREFIX + term + ".*")
        return re.compile(".*" + term + ".*")

    def found_in(self, words: list[str]) -> bool:
        """Doubled letters count once here ("Moderrator", "Stafff"), though not between two names."""
        if self.where == "anywhere":
            return bool(self._pattern.fullmatch(_single("".join(words))))
        return any(self._pattern.fullmatch(_single(word)) for word in words)


def _moderator(user: User) -> bool:
    return user.is_moderator


def _product_team(user: User) -> bool:
    return user.is_product_team


def _admin(user: User) -> bool:
    return user.is_superuser


def _staff(user: User) -> bool:
    return user.is_staff_member


# Role words in the site's languages (English, Danish, Norwegian, Swedish) and their near relatives
# ("Moderador", "Moderateur"). Short or common words match only as whole words, compounds or word
# starts, so "Staffan", "Modesty", "Modou" and "Badminton Bo" stay free.
ROLE_TERMS = [
    _Term("moderator", "anywhere", _moderator),
    _Term("modera", "start", _moderator),
    _Term("mod", "word", _moderator),
    _Term("product team", "anywhere", _product_team),
    _Term("produktteam", "anywhere", _product_team),
    _Term("product manager", "anywhere", _product_team),
    _Term("administrator", "anywhere", _admin),
    _Term("admin", "start", _admin),
    _Term("sysadmin", "anywhere", _admin),
    _Term("superuser", "anywhere", _admin),
    _Term("webmaster", "anywhere", _admin),
    _Term("staff", "word", _staff),
    _Term("official", "start", _staff),
    _Term("officiel", "start", _staff),
    _Term("offisiell", "start", _staff),
    _Term("officiell", "start", _staff),
    _Term("support", "start", _staff),
    _Term("customer service", "anywhere", _staff),
    _Term("kundeservice", "anywhere", _staff),
    _Term("kundtjänst", "anywhere", _staff),
]


class RoleWordInName(DomainError):
    code = "name_imitates_a_role"

    def __init__(self, word: str):
        super().__init__(
            _("Names with “%(word)s” in them are kept for the staff who hold that role: choose another name.")
            % {"word": word}
        )


class StaffMembersName(DomainError):
    code = "name_of_staff"
    default_message = _("A member of staff goes by this name: choose another, so nobody mistakes you for them.")


class MemberNumberName(DomainError):
    code = "name_like_a_member_number"
    default_message = _("Names like “Member #12” are how the forum shows members without a name: choose another.")


class DeletedMemberName(DomainError):
    code = "name_like_a_deleted_member"
    default_message = _("Names like “Deleted member” are how the forum shows deleted accounts: choose another.")


def _staff_names(*, exclude: User | None = None) -> list[str]:
    """The display names of moderators, product team and admins (one query)."""
    staff = User.objects.filter(Q(is_superuser=True) | Q(groups__name__in=Role.values), is_active=True)
    if exclude is not None and exclude.pk is not None:
        staff = staff.exclude(pk=exclude.pk)
    return list(staff.exclude(display_name="").values_list("display_name", flat=True).distinct())


def _deleted_member_labels() -> set[str]:
    """The label the forum shows for a deleted account (templates/ideas/_author.html), folded, in
    every language of the site."""
    labels: set[str] = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels |= _fold(gettext("Deleted member"))
    return labels


def _spells(words: list[str], folded: str) -> bool:
    """Whether some run of consecutive `words` spells `folded`."""
    return any("".join(words[i:j]) == folded for i in range(len(words)) for j in range(i + 1, len(words) + 1))


def can_use_display_name(*, user: User | None, name: str) -> Verdict:
    """May this member (None: someone signing up) go by this name?

    Refused, in each of the name's folded readings (module docstring): the forum's "Member #12"
    form; a name containing its "Deleted member" label; a role word, its stem or a compound of it
    ("ModBot") unless the member holds that role; a name whose consecutive words spell a staff
    member's folded name ("Patrik Product (PM)" while Patrik Product is staff), unless it is theirs.
    """
    readings = _readings(name)
    if any(_MEMBER_NUMBER.fullmatch(reading.casefold().strip()) for reading in readings):
        return refuse(MemberNumberName())
    wordings = _wordings(name)
    labels = _deleted_member_labels()
    if any(label in "".join(words) for words in wordings for label in labels):
        return refuse(DeletedMemberName())
    for term in ROLE_TERMS:
        if any(term.found_in(words) for words in wordings) and (user is None or not term.may_use(user)):
            return refuse(RoleWordInName(term.word))
    staff = {folded for other in _staff_names(exclude=user) for folded in _fold(other)}
    if any(_spells(words, folded) for words in wordings for folded in staff):
        return refuse(StaffMembersName())
    return ALLOWED


class Suspended(NotAllowed):
    """The member is suspended: they read, but write nothing until it ends."""

    code = "suspended"

    def __init__(self, user: User):
        until = moment(user.suspended_until)
        super().__init__(
            _("Your account is suspended until %(until)s, so you can read but not write. The reason: %(reason)s")
            % {"until": until, "reason": user.suspension_reason}
        )


class Banned(NotAllowed):
    """The member is banned: no way of signing in works, and whoever knows their password is told why."""

    code = "banned"

    def __init__(self, user: User):
        super().__init__(
            _("This account is banned from the forum, so it can no longer sign in. The reason: %(reason)s")
            % {"reason": user.ban_reason}
        )


def is_suspended(user) -> bool:
    return user.is_authenticated and user.suspended_until is not None and user.suspended_until > timezone.now()


def can_write(*, user) -> Verdict:
    """The one rule every write service asks first: a suspended member writes nothing (ideas, comments,
    votes, flags, follows) until the suspension ends, when it simply lapses (compared with now, no job).
    Appeals are the exception, so moderation.services.appeal_create does not ask. Signing in is the
    caller's own check (a banned member is inactive)."""
    if is_suspended(user):
        return refuse(Suspended(user))
    return ALLOWED


class NewAccountLimit(RateLimited):
    """A new account reached one of its first hours' limits (spam sign-ups post at once): a 429 that says
    when the limits end, and on pages a form error that keeps what was typed, as any rate limit."""

    code = "new_account_limit"

    def __init__(self, message: str, *, until: datetime):
        super().__init__(message, retry_after=max(math.ceil((until - timezone.now()).total_seconds()), 1))


def new_account_until(user) -> datetime | None:
    """When the member's first NEW_ACCOUNT_HOURS end, while they still run; None for older accounts and
    for staff, who are never limited, and for bulk work (core.ratelimit.writes_unlimited: the demo's members)."""
    if unlimited() or not user.is_authenticated or user.is_staff or user.is_staff_member:
        return None
    until = user.date_joined + timedelta(hours=settings.NEW_ACCOUNT_HOURS)
    return until if until > timezone.now() else None


def new_account_allows(*, user, kind: str, posts: QuerySet) -> Verdict:
    """May a new account post one more of `kind` ("ideas" or "comments"), of which `posts` are theirs
    (deleted and hidden ones too, so deleting does not make room)? NEW_ACCOUNT_LIMITS[kind] in their first
    hours. Call it inside the writing transaction: a new account's row is locked while its posts are
    counted, so two concurrent posts are counted one after the other (PostgreSQL) and cannot both pass."""
    until = new_account_until(user)
    if until is None:
        return ALLOWED
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
    limit = settings.NEW_ACCOUNT_LIMITS[kind]
    if posts.filter(created_at__gte=user.date_joined).count() < limit:
        return ALLOWED
    if kind == "ideas":
        message = ngettext(
            "New accounts may post %(n)d idea in their first %(hours)d hours. You can post more from %(when)s.",
            "New accounts may post %(n)d ideas in their first %(hours)d hours. You can post more from %(when)s.",
            limit,
        )
    else:
        message = ngettext(
            "New accounts may post %(n)d comment in their first %(hours)d hours. You can post more from %(when)s.",
            "New accounts may post %(n)d comments in their first %(hours)d hours. You can post more from %(when)s.",
            limit,
        )
    return _new_account_refusal(message, limit, until)


def _new_account_refusal(message: str, limit: int, until: datetime) -> Verdict:
    values = {"n": limit, "hours": settings.NEW_ACCOUNT_HOURS, "when": moment(until)}
    return refuse(NewAccountLimit(message % values, until=until))


def new_account_links_allow(*, user, html: str) -> Verdict:
    """May this post (rendered, as it will be shown: a new one or an edit) carry its links? A new account's
    posts hold at most NEW_ACCOUNT_LIMITS["links"] each in their first hours."""
    until = new_account_until(user)
    limit = settings.NEW_ACCOUNT_LIMITS["links"]
    if until is None or link_count(html) <= limit:
        return ALLOWED
    message = ngettext(
        "New accounts may put %(n)d link in a post in their first %(hours)d hours. Take some out, or post "
        "them from %(when)s.",
        "New accounts may put %(n)d links in a post in their first %(hours)d hours. Take some out, or post "
        "them from %(when)s.",
        limit,
    )
    return _new_account_refusal(message, limit, until)
