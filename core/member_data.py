"""The member-data registry: each app says how to export and how to erase a member's data.

Apps register in `AppConfig.ready`; the export and the account deletion (in `accounts`) walk the
registry, so a lower layer never imports the apps above it, and every new app adds its part here.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MemberData:
    key: str
    export: Callable
    erase: Callable | None
    erases: tuple[str, ...]


_registry: dict[str, MemberData] = {}


def register_member_data(
    key: str, *, export: Callable, erase: Callable | None = None, erases: tuple[str, ...] = ()
) -> None:
    """`export(user)` gives the JSON-ready part under `key`; `erase(user)` removes or anonymises
    what the app holds of the member, inside the deletion's transaction, before the member goes.
    `erases` names the models ("app.Model") whose rows of the member `erase` removes: they may
    protect the member row from any other deletion (the admin asks, to not call them blockers)."""
    _registry[key] = MemberData(key, export, erase, erases)


def erased_models() -> frozenset[str]:
    """The models whose rows of a member the registered erasers remove."""
    return frozenset(label for part in _registry.values() for label in part.erases)


def export_member(user) -> dict:
    """Everything every app holds about the member, one key per part, in registration order."""
    return {part.key: part.export(user) for part in _registry.values()}


def erase_member(user) -> None:
    """Let every app erase its part, the last registered (highest layer) first."""
    for part in reversed(_registry.values()):
        if part.erase is not None:
            part.erase(user)
