"""The access rules of ADR 0011, without a token or a request: who may see a stay (`may_see_stay`), which
organisation ids a role's token may carry (`org_problem`), and the 403 that names the roles that may
(`require_role`)."""

import pytest
from fastapi import HTTPException

from svu_shared.auth import ROLES, Principal, may_see_stay, org_problem, require_role

STAY = {"municipality": "1280", "wards": ("W1", "W2"), "primary_care_units": ("VC1",)}


def who(role: str, org: str) -> Principal:
    return Principal(subject=f"user@{org}", role=role, org=org)  # type: ignore[arg-type]


def test_the_five_roles():
    assert ROLES == ("ward", "primary_care", "municipality", "finance", "admin")


@pytest.mark.parametrize(
    ("role", "org", "sees"),
    [
        ("ward", "W1", True),  # admitted it
        ("ward", "W2", True),  # received it by transfer
        ("ward", "W3", False),
        ("municipality", "1280", True),  # the patient is registered there
        ("municipality", "1281", False),
        ("primary_care", "VC1", True),  # the stay is addressed to its unit
        ("primary_care", "VC2", False),
        ("finance", "SE2321000016-EKONOMI", False),  # no clinical records, whatever the stay
        ("admin", "SE2321000016-FORVALTNING", False),
    ],
)
def test_only_those_taking_part_in_the_care_see_a_stay(role, org, sees):
    assert may_see_stay(who(role, org), **STAY) is sees


def test_an_org_is_matched_whole_and_exactly():
    assert may_see_stay(who("ward", "W"), **STAY) is False  # not a prefix of W1
    assert may_see_stay(who("ward", "w1"), **STAY) is False  # HSA-ids are compared as they are
    assert may_see_stay(who("municipality", "128"), **STAY) is False


@pytest.mark.parametrize("collection", [tuple, list, set, frozenset])
def test_wards_and_units_may_be_any_collection(collection):
    stay = {"municipality": "1280", "wards": collection(["W1"]), "primary_care_units": collection(["VC1"])}
    assert may_see_stay(who("ward", "W1"), **stay) is True
    assert may_see_stay(who("primary_care", "VC1"), **stay) is True
    assert may_see_stay(who("primary_care", "VC2"), **stay) is False


def test_a_stay_without_a_municipality_wards_or_units_is_seen_by_no_one():
    bare = {"municipality": None, "wards": (), "primary_care_units": ()}
    for role, org in (("ward", "W1"), ("municipality", "1280"), ("primary_care", "VC1")):
        assert may_see_stay(who(role, org), **bare) is False, role


@pytest.mark.parametrize(
    ("role", "org", "problem"),
    [
        ("municipality", "1280", None),
        ("municipality", "0114", None),  # Upplands Väsby: a leading zero is part of the code
        ("municipality", "128", "municipality '128' must be a four-digit kommunkod (SCB), e.g. 1280"),
        ("municipality", "12a0", "municipality '12a0' must be a four-digit kommunkod (SCB), e.g. 1280"),
        ("municipality", "9999", "municipality '9999' is not one of SCB's 290 kommunkoder"),
        ("municipality", "W1", "municipality 'W1' must be a four-digit kommunkod (SCB), e.g. 1280"),
        ("ward", "SE2321000016-MEDAVD3", None),
        ("ward", "W1", None),
        ("primary_care", "SE2321000016-VC1", None),
        ("finance", "SE2321000016-EKONOMI", None),
        ("admin", "a.b:c_d-1", None),  # the HSA-id alphabet: letters, digits, _ . : -
        ("ward", "x" * 64, None),
        ("ward", "x" * 65, f"org {'x' * 65!r} is not an HSA-id"),
        ("ward", "", "org '' is not an HSA-id"),
        ("ward", "W 1", "org 'W 1' is not an HSA-id"),
        ("primary_care", "VC/1", "org 'VC/1' is not an HSA-id"),
        ("finance", "Vård", "org 'Vård' is not an HSA-id"),
    ],
)
def test_the_org_each_role_may_carry(role, org, problem):
    assert org_problem(role, org) == problem


def test_an_org_with_a_trailing_newline_is_not_an_hsa_id():
    assert org_problem("ward", "W1\n") == "org 'W1\\n' is not an HSA-id"


def test_require_role_lets_the_named_roles_through():
    assert require_role(who("finance", "SE2321000016-EKONOMI"), "finance", "admin") is None
    assert require_role(who("ward", "W1"), "ward") is None


def test_require_role_refuses_any_other_with_a_403_naming_the_roles_that_may():
    with pytest.raises(HTTPException) as refused:
        require_role(who("municipality", "1280"), "ward", "primary_care")
    assert (refused.value.status_code, refused.value.detail, refused.value.headers) == (
        403,
        "role municipality may not do this; it is for: ward, primary_care",
        None,
    )
