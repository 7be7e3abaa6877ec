"""The local identity provider for development and tests (ADR 0011): one ES256 key pair and its JWKS under
`.local/issuer/`, and tokens signed with it.

    python -m svu_shared.local_issuer token --role ward --org SE2321000016-MEDAVD3     (make token ROLE= ORG=)

Services trust it only with `SVU_AUTH_MODE=dev` (ADR 0024); in production `auth_jwks_url` is the region's identity
provider's. A token names every service as its audience: the web application forwards one user's token to each.
The private key is readable by its owner only (0600 in a 0700 directory); compose mounts only the public JWKS.
"""

import argparse
import json
import os
import shutil
import sys
import time
import tomllib
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "svu-local-issuer"
SERVICES_TOML = Path(__file__).resolve().parents[2] / "services" / "services.toml"
DIRECTORY = Path(os.environ.get("SVU_ISSUER_DIR", Path(__file__).resolve().parents[2] / ".local" / "issuer"))
KEY, JWKS = DIRECTORY / "signing-key.pem", DIRECTORY / "jwks.json"


def jwks_url() -> str:
    return JWKS.as_uri()


def audience_of(service: str) -> str:
    """A service's own audience (ADR 0024): it accepts only tokens that name it."""
    return f"svu-{service}"


def audiences() -> list[str]:
    """Every service of the one list (services/services.toml, ADR 0013)."""
    return [audience_of(service["name"]) for service in tomllib.loads(SERVICES_TOML.read_text())["service"]]


def _private_directory() -> None:
    DIRECTORY.mkdir(mode=0o700, parents=True, exist_ok=True)
    DIRECTORY.chmod(0o700)  # also a directory made before keys were kept private


def _write(path: Path, data: bytes, mode: int) -> None:
    """Created with its mode from the start: no moment in which another user could open it."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def ensure_keys() -> None:
    """Creates the key pair once; safe when several processes start at the same time, and when the directory is
    a mounted volume: each process writes its pair aside in the directory, and the first to hard-link its key
    into place wins (a link onto an existing name fails); the others wait for the winner's JWKS."""
    if JWKS.exists():
        return
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwks = {"keys": [{**public_jwk, "kid": uuid.uuid4().hex[:16], "use": "sig", "alg": "ES256"}]}
    _private_directory()
    staging = DIRECTORY / f".staging-{uuid.uuid4().hex}"
    staging.mkdir(mode=0o700)
    try:
        _write(staging / KEY.name, pem, 0o600)
        _write(staging / JWKS.name, json.dumps(jwks).encode(), 0o644)
        os.link(staging / KEY.name, KEY)
        os.link(staging / JWKS.name, JWKS)
    except FileExistsError:  # another process won: use its pair once it is complete
        deadline = time.monotonic() + 10
        while not JWKS.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        shutil.rmtree(staging)


def token(role: str, org: str, subject: str | None = None, ttl_seconds: int = 8 * 3600, **claims: object) -> str:
    ensure_keys()
    now = int(time.time())
    kid = json.loads(JWKS.read_text())["keys"][0]["kid"]
    payload = {
        "iss": ISSUER,
        "aud": audiences(),
        "sub": subject or f"{role}-user@{org}",
        "role": role,
        "org": org,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_seconds,
        **claims,
    }
    return jwt.encode(payload, KEY.read_bytes(), algorithm="ES256", headers={"kid": kid})


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m svu_shared.local_issuer")
    sub = parser.add_subparsers(dest="command", required=True)
    issue = sub.add_parser("token", help="print a token (and nothing else) on stdout")
    issue.add_argument("--role", required=True, choices=["ward", "primary_care", "municipality", "finance", "admin"])
    issue.add_argument("--org", required=True, help="HSA-id (ward, primary_care) or kommunkod (municipality)")
    issue.add_argument("--subject", default=None)
    args = parser.parse_args(argv)
    from svu_shared.auth import org_problem

    if problem := org_problem(args.role, args.org):
        print(f"--org: {problem}", file=sys.stderr)
        return 2
    print(token(args.role, args.org, args.subject))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
