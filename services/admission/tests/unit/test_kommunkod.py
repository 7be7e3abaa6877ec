"""The patient's municipality must be one of SCB's 290 kommunkoder (domain §2), named in the 422."""

import pytest
from pydantic import ValidationError

from admission.entrypoints.schemas import AdmissionNoticeIn
from svu_shared.contracts.municipality import COUNTY_CODES, MUNICIPALITIES

NOTICE = {"patient_id": "191212121212", "care_unit": "W", "admitted_at": "2025-03-01T10:00:00+01:00"}


def test_the_shipped_list_has_all_290_municipalities_in_21_counties():
    assert len(MUNICIPALITIES) == 290 and len(COUNTY_CODES) == 21
    assert (MUNICIPALITIES["1280"], MUNICIPALITIES["0180"], MUNICIPALITIES["2584"]) == ("Malmö", "Stockholm", "Kiruna")
    assert sum(code.startswith("12") for code in MUNICIPALITIES) == 33  # Skåne


@pytest.mark.parametrize("code", ["1280", "0114", "0980", "2584"])
def test_a_kommunkod_in_the_list_is_accepted(code):
    assert AdmissionNoticeIn(**NOTICE, municipality=code).municipality == code


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("1289", "is not one of SCB's 290 kommunkoder"),
        ("1100", "is not one of SCB's 290"),
        ("128", "String should match"),
    ],
)
def test_a_code_outside_the_list_is_refused_naming_the_field_and_the_rule(code, rule):
    with pytest.raises(ValidationError) as refused:
        AdmissionNoticeIn(**NOTICE, municipality=code)
    [error] = refused.value.errors()
    assert error["loc"] == ("municipality",) and rule in error["msg"]
