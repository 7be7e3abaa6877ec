"""Who is calling: OAuth2 bearer tokens (JWT, RS256 or ES256) verified against the identity provider's JWKS.

Every endpoint except /health and /openapi.json needs a token (ADR 0011). The claims we use:
`sub` (the user), `role` (one of ROLES) and `org` (an HSA-id for wards and primary care, a kommunkod for
municipalities). Issuer, audience (the service's own), expiry, issued-at and not-before are checked by PyJWT with a
small clock leeway, and a token may live at most a set time (ADR 0024); the JWKS is fetched with PyJWT's client and
cached, so a rotated key is picked up by its `kid`.

A token that verified is remembered for at most `VERIFIED_SECONDS` (never past its expiry): a user's next requests
with the same token skip the signature check and the worker thread it runs in (ADR 0020). That is within what the
JWKS cache allows already: a key withdrawn from the JWKS is noticed after its cache lifetime (300 s) either way.
"""

import asyncio
import re
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal, get_args
from urllib.parse import urlparse
from urllib.request import url2pathname

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from svu_shared.contracts.municipality import municipality_code_problem

Role = Literal["ward", "primary_care", "municipality", "finance", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
ALGORITHMS = ["RS256", "ES256"]
VERIFIED_SECONDS = 60.0
VERIFIED_MAX = 10_000
HSA_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")  # used with fullmatch: "$" would accept a final newline


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    org: str


def org_problem(role: str, org: str) -> str | None:
    if role == "municipality":
        return municipality_code_problem(org)
    if not HSA_ID.fullmatch(org):
        return f"org {org!r} is not an HSA-id"
    return None


class FileJWKS:
    """A JWKS in a local file (the development issuer's); PyJWT's client fetches http(s) URLs only."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._keys: dict[str | None, jwt.PyJWK] = {}

    def get_signing_key_from_jwt(self, token: str) -> jwt.PyJWK:
        kid = jwt.get_unverified_header(token).get("kid")
        if kid not in self._keys:  # read the file again only for a key not seen yet (a new key pair)
            self._keys = {key.key_id: key for key in jwt.PyJWKSet.from_json(self._path.read_text()).keys}
        if kid not in self._keys:
            raise jwt.InvalidTokenError(f"no key with kid {kid!r} in the JWKS")
        return self._keys[kid]


class TokenVerifier:
    def __init__(
        self,
        jwks_url: str,
        issuer: str,
        audience: str,
        *,
        leeway_seconds: int = 30,
        max_lifetime_seconds: int = 8 * 3600,
    ) -> None:
        self._jwks: jwt.PyJWKClient | FileJWKS = (
            FileJWKS(Path(url2pathname(urlparse(jwks_url).path)))
            if jwks_url.startswith("file:")
            else jwt.PyJWKClient(jwks_url, cache_jwk_set=True, lifespan=300, timeout=10)
        )
        self._issuer = issuer
        self._audience = audience
        self._leeway = leeway_seconds
        self._max_lifetime = max_lifetime_seconds
        self._verified: dict[str, tuple[Principal, float]] = {}  # token -> (principal, remembered until)
        self._lock = threading.Lock()

    def remembered(self, token: str) -> Principal | None:
        """The principal of a token verified in the last `VERIFIED_SECONDS` and not expired since; else None."""
        found = self._verified.get(token)
        return found[0] if found is not None and time.time() < found[1] else None

    def _remember(self, token: str, principal: Principal, expires: float) -> None:
        with self._lock:
            if len(self._verified) >= VERIFIED_MAX:
                now = time.time()
                self._verified = {t: entry for t, entry in self._verified.items() if entry[1] > now}
                if len(self._verified) >= VERIFIED_MAX:
                    self._verified.clear()
            self._verified[token] = (principal, min(expires, time.time() + VERIFIED_SECONDS))

    def verify(self, token: str) -> Principal:
        """The token's principal; raises HTTPException(401) naming what is wrong with it."""
        try:
            key = self._jwks.get_signing_key_from_jwt(token)
            # The key decides the algorithm (ADR 0024): a header naming another one is refused before any
            # cryptography sees a key of the wrong kind.
            algorithm = key.algorithm_name
            if algorithm not in ALGORITHMS or jwt.get_unverified_header(token).get("alg") != algorithm:
                raise jwt.InvalidAlgorithmError(f"the token's alg does not match its key ({algorithm})")
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientConnectionError:
            raise HTTPException(503, "the identity provider's keys (JWKS) cannot be fetched") from None
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise _unauthorized(f"invalid token: {exc}") from None
        lifetime = claims["exp"] - claims["iat"] if _numbers(claims["exp"], claims["iat"]) else None
        if lifetime is None or lifetime > self._max_lifetime:
            raise _unauthorized(f"invalid token: it may live at most {self._max_lifetime} s (exp - iat)")
        role, org = claims.get("role"), claims.get("org")
        if role not in ROLES:
            raise _unauthorized(f"token claim role must be one of {', '.join(ROLES)}")
        if not isinstance(org, str) or (problem := org_problem(role, org)):
            raise _unauthorized(f"token claim org: {problem if isinstance(org, str) else 'missing'}")
        principal = Principal(subject=str(claims["sub"]), role=role, org=org)
        self._remember(token, principal, float(claims["exp"]))
        return principal


def _numbers(*values: object) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


AUTH_RESPONSES: dict[int | str, dict] = {
    401: {"description": "No bearer token, or one that fails verification (the message says why)"},
    403: {"description": "The caller's role may not do this (the message names the roles that may)"},
    413: {"description": "The request body is larger than the service accepts"},
}

bearer = HTTPBearer(auto_error=False, description="A JWT from the region's identity provider (`make token` locally)")


async def authenticate(request: Request) -> Principal:
    """The route dependency: the verified principal, also kept on request.state for the audit log. The token is
    verified once per request: the rate limiter and the audit log ask for it too."""
    state = request.state
    if (known := getattr(state, "principal", None)) is not None:
        return known  # type: ignore[no-any-return]
    if (refusal := getattr(state, "token_refusal", None)) is not None:
        raise refusal
    try:
        credentials: HTTPAuthorizationCredentials | None = await bearer(request)
        if credentials is None:
            raise HTTPException(401, "a bearer token is required", headers={"WWW-Authenticate": "Bearer"})
        verifier: TokenVerifier = request.app.state.verifier
        principal = verifier.remembered(credentials.credentials)
        if principal is None:
            principal = await asyncio.to_thread(verifier.verify, credentials.credentials)
    except HTTPException as refused:
        state.token_refusal = refused
        raise
    state.principal = principal
    return principal


async def caller_if_any(request: Request) -> Principal | None:
    """The verified caller, or None for a request without a valid token (it is refused by the route, if any)."""
    try:
        return await authenticate(request)
    except HTTPException:
        return None


def principal_of(request: Request) -> Principal:
    return request.state.principal  # type: ignore[no-any-return]


def require_role(principal: Principal, *roles: str) -> None:
    """403 naming the roles that may; for tenant checks on one resource use NotFound instead (no leak)."""
    if principal.role not in roles:
        raise HTTPException(403, f"role {principal.role} may not do this; it is for: {', '.join(roles)}")


def roles(*allowed: str):  # type: ignore[no-untyped-def]
    """A router dependency: every route of the router is for these roles (runs after `authenticate`)."""

    async def check(request: Request) -> None:
        require_role(principal_of(request), *allowed)

    return Depends(check)


def read_access_open(discharged_at: datetime | None, readable_since: datetime) -> bool:
    """Patientdatalagen 4 kap. 1 §, need-to-know over time (ADR 0025): a discharged stay is read, by every role,
    only while its discharge is after `readable_since` (now minus the service's read_access_after_discharge_days,
    `svu_shared.deps.ReadableSince`); a stay not discharged is read while one takes part in its care."""
    return discharged_at is None or discharged_at > readable_since


def may_see_stay(
    principal: Principal, *, municipality: str | None, wards: Collection[str], primary_care_units: Collection[str]
) -> bool:
    """Patientdatalagen: only those who take part in the patient's care (ADR 0011). A ward sees the stays it
    admitted or received by transfer; a municipality those of patients registered in it; primary care those
    addressed to its unit. Finance and admin see no clinical records."""
    if principal.role == "ward":
        return principal.org in wards
    if principal.role == "municipality":
        return principal.org == municipality
    if principal.role == "primary_care":
        return principal.org in primary_care_units
    return False
