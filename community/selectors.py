"""Reads of community: members' points and badges."""

from collections.abc import Iterable

from django.db.models import Sum

from community.models import Award, LedgerEntry, Share


def points_total(member) -> int:
    """The member's points: the sum of their ledger lines."""
    return LedgerEntry.objects.filter(member=member).aggregate(total=Sum("points"))["total"] or 0


def points_of(member_ids: Iterable[int]) -> dict[int, int]:
    """Each member's points (one query), for names shown beside their totals; members without lines get 0."""
    ids = {pk for pk in member_ids if pk is not None}
    totals = dict(
        LedgerEntry.objects.filter(member_id__in=ids).values("member_id").annotate(total=Sum("points"))
        .values_list("member_id", "total")
    )  # fmt: skip
    return {pk: totals.get(pk, 0) for pk in ids}


def ledger_of(member):
    """The member's ledger lines, newest first (paged by the caller)."""
    return LedgerEntry.objects.filter(member=member).select_related("idea")


def badges_of(member) -> list[Award]:
    """The badges the member earned, newest first."""
    return list(Award.objects.filter(member=member))


def community_export(user) -> dict:
    """The member's part of their data export: their ledger, badges and shares (never their visitors)."""
    ledger = [
        {"points": line.points, "reason": line.reason, "for": line.target, "at": line.created_at.isoformat()}
        for line in LedgerEntry.objects.filter(member=user)
    ]
    return {
        "points": sum(line["points"] for line in ledger),
        "ledger": ledger,
        "badges": [
            {"badge": award.badge, "period": award.period, "earned_at": award.earned_at.isoformat()}
            for award in Award.objects.filter(member=user)
        ],
        "shares": [
            {"idea": share.idea_id, "channel": share.channel, "shared_at": share.created_at.isoformat()}
            for share in Share.objects.filter(sharer=user).order_by("pk")
        ],
    }
