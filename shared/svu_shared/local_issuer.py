"""The local identity provider for development and tests (ADR 0011): one ES256 key pair and its JWKS under
`.local/issuer/`, and tokens signed with it.

    python -m svu_shared.local_issuer token --role ward --org SE2321000016-MEDAVD3     (make token ROLE= ORG=)

Services find the JWKS through their `auth_jwks_url` setting, which defaults to this file; in production it is
the region's identity provider's JWKS URL.
"""

import argparse
import json
import os
import shutil
import sys
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ISSUER = "svu-local-issuer"
AUDIENCE = "svu"
DIRECTORY = Path(os.environ.get("SVU_ISSUER_DIR", Path(__file__).resolve().parents[2] / ".local" / "issuer"))
KEY, JWKS = DIRECTORY / "signing-key.pem", DIRECTORY / "jwks.json"


def jwks_url() -> str:
    return JWKS.as_uri()


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
    DIRECTORY.mkdir(parents=True, exist_ok=True)
    staging = DIRECTORY / f".staging-{uuid.uuid4().hex}"
    staging.mkdir()
    try:
        (staging / KEY.name).write_bytes(pem)
        (staging / JWKS.name).write_text(json.dumps(jwks))
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
        "aud": AUDIENCE,
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
