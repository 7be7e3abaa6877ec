"""ADR 0011: the local issuer's token verifies against its JWKS; `make token` prints the token and nothing else."""

import subprocess
import sys

import pytest
from fastapi import HTTPException

from svu_shared import local_issuer
from svu_shared.auth import Principal, TokenVerifier


def verifier() -> TokenVerifier:
    return TokenVerifier(local_issuer.jwks_url(), local_issuer.ISSUER, local_issuer.audience_of("admission"))


def test_a_local_token_verifies_and_names_subject_role_and_organisation():
    token = local_issuer.token("municipality", "1281", subject="anna@lund.se")
    assert verifier().verify(token) == Principal("anna@lund.se", "municipality", "1281")


def test_a_tampered_token_is_refused():
    token = local_issuer.token("ward", "W1")
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}AAAA"
    with pytest.raises(HTTPException) as refused:
        verifier().verify(forged)
    assert refused.value.status_code == 401 and "invalid token" in refused.value.detail


def test_the_command_prints_only_the_token_and_refuses_a_bad_org():
    ok = subprocess.run(
        [sys.executable, "-m", "svu_shared.local_issuer", "token", "--role", "ward", "--org", "SE2321000016-MEDAVD3"],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and ok.stdout.count("\n") == 1 and ok.stdout.count(".") == 2
    assert verifier().verify(ok.stdout.strip()).org == "SE2321000016-MEDAVD3"
    bad = subprocess.run(
        [sys.executable, "-m", "svu_shared.local_issuer", "token", "--role", "municipality", "--org", "9999"],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and bad.stdout == "" and "not one of SCB's 290 kommunkoder" in bad.stderr
