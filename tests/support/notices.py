"""The admission notice a ward posts, as the tests post it (one place for its shape)."""


def admission_notice(stay_id: str, municipality: str = "1280", care_unit: str = "W") -> dict[str, str]:
    return {
        "stay_id": stay_id,
        "patient_id": "191212121212",
        "municipality": municipality,
        "care_unit": care_unit,
        "admitted_at": "2025-03-01T10:00:00+01:00",
    }
