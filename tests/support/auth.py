"""Bearer tokens from the local issuer, as each user group's client sends them (ADR 0011)."""

from functools import cache

from svu_shared.local_issuer import token


@cache
def bearer(role: str, org: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, org)}"}


def ward(org: str = "W") -> dict[str, str]:
    return bearer("ward", org)


def municipality(org: str = "1280") -> dict[str, str]:
    return bearer("municipality", org)


def primary_care(org: str) -> dict[str, str]:
    return bearer("primary_care", org)


def finance() -> dict[str, str]:
    return bearer("finance", "SE2321000016-EKONOMI")


def admin() -> dict[str, str]:
    return bearer("admin", "SE2321000016-FORVALTNING")
