import pytest

from admission.domain.identity import InvalidPatientId, validate_patient_id


@pytest.mark.parametrize("pid", ["191212121212", "198112189876", "197010632391", "200002296127"])
def test_valid_personnummer_and_samordningsnummer(pid):
    assert validate_patient_id(pid) == pid


@pytest.mark.parametrize(
    ("pid", "rule"),
    [
        ("19121212121", "12 digits"),
        ("19121212121X", "12 digits"),
        ("191213121212", "calendar date"),  # month 13
        ("190002301234", "calendar date"),  # 30 February
        ("191212121213", "Luhn"),
        ("197010932391", "calendar date"),  # samordningsnummer day 93 - 60 = 33
    ],
)
def test_invalid_ids_name_the_rule(pid, rule):
    with pytest.raises(InvalidPatientId, match=rule):
        validate_patient_id(pid)
