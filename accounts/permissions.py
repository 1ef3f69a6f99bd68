"""Who may go by which display name: names that pass for staff are kept for staff.

Anyone may choose any display name, and names are not unique, so a name is refused when it would
make readers take a member for someone they are not: a role word ("Mona Moderator", "M0d Squad",
"Produktteamet") from a member who does not hold that role, the name of a member of staff, or the
"Member #12" form the forum gives members without a name. Names are compared folded: NFKC, case
folded, without accents, invisible characters, spacing or punctuation, with digits, signs and
Cyrillic or Greek letters that look like Latin ones read as those letters.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from core.errors import DomainError
from core.permissions import ALLOWED, Verdict, refuse
from core.text import strip_invisible

# Characters that readers take for a Latin letter. "l", "1", "|" and "!" all read as "i", on both sides
# of a comparison, so "Officia1" and "0ffic1al" fold like "Official".
_LOOKALIKES = str.maketrans(
    {
        **dict(zip("0134578926@$!|l€", "oieastbgzgasiiie", strict=True)),
        **dict(zip("авекмнорстухіїјѕԁһӏ", "abekmhopctyxiijsdhi", strict=True)),  # Cyrillic
        **dict(zip("αβεηικνοπρτυχω", "abenikvonptuxw", strict=True)),  # Greek
    }
)
_DIGRAPHS = (("rn", "m"), ("vv", "w"))
_SEPARATORS = re.compile(r"[\W_]+")
_REPEATS = re.compile(r"(.)\1+")
_MEMBER_NUMBER = re.compile(r"(member|medlem)\W*\d+")


def _words(name: str) -> list[str]:
    """The name's words, folded; runs of single letters ("M o d") are joined into one word."""
    text = unicodedata.normalize("NFKC", strip_invisible(name)).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.translate(_LOOKALIKES)
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


def _fold(name: str) -> str:
    """The name as compared: two names that fold alike look alike to a reader."""
    return "".join(_words(name))


@dataclass(frozen=True)
class _Term:
    word: str  # as shown in the refusal
    where: str  # "word": a whole word; "start": the start of a word; "anywhere": inside the folded name
    may_use: Callable[[User], bool]

    def found_in(self, words: list[str]) -> bool:
        """Doubled letters count once here ("Moderrator", "Stafff"), though not between two names."""
        term = _single(_fold(self.word))
        if self.where == "word":
            return term in map(_single, words)
        if self.where == "start":
            return any(_single(word).startswith(term) for word in words)
        return term in _single("".join(words))


def _single(text: str) -> str:
    return _REPEATS.sub(r"\1", text)


def _moderator(user: User) -> bool:
    return user.is_moderator


def _product_team(user: User) -> bool:
    return user.is_product_team


def _admin(user: User) -> bool:
    return user.is_superuser


def _staff(user: User) -> bool:
    return user.is_staff_member


# Role words in the site's languages (English, Danish, Norwegian, Swedish). Short or common words match
# only as whole words or word starts, so "Staffan", "Modesty" and "Badminton Bo" stay free.
ROLE_TERMS = [
    _Term("moderator", "anywhere", _moderator),
    _Term("mod", "word", _moderator),
    _Term("mods", "word", _moderator),
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


def _staff_names(*, exclude: User | None = None) -> list[str]:
    """The display names of moderators, product team and admins (one query)."""
    staff = User.objects.filter(Q(is_superuser=True) | Q(groups__name__in=Role.values), is_active=True)
    if exclude is not None and exclude.pk is not None:
        staff = staff.exclude(pk=exclude.pk)
    return list(staff.exclude(display_name="").values_list("display_name", flat=True).distinct())


def can_use_display_name(*, user: User | None, name: str) -> Verdict:
    """May this member (None: someone signing up) go by this name? Role words only for that role's
    holders, a staff member's name only for them, never the forum's "Member #12" form."""
    if _MEMBER_NUMBER.fullmatch(unicodedata.normalize("NFKC", strip_invisible(name)).casefold().strip()):
        return refuse(MemberNumberName())
    words = _words(name)
    for term in ROLE_TERMS:
        if term.found_in(words) and (user is None or not term.may_use(user)):
            return refuse(RoleWordInName(term.word))
    folded = "".join(words)
    if folded and any(_fold(other) == folded for other in _staff_names(exclude=user)):
        return refuse(StaffMembersName())
    return ALLOWED
