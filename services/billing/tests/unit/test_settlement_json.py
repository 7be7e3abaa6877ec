"""The settlement's JSON is the text `json.dumps(…, indent=2, ensure_ascii=False)` gives, written by the C encoder."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.adapters.settlement_report import indented_json

SCALARS = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@given(VALUES)
@settings(max_examples=400)
def test_the_same_text_as_the_indented_encoder(value: object) -> None:
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_settlement_shaped_value_reads_as_written() -> None:
    value = {
        "agreement": "skane-longstay-proposal",
        "municipalities": [
            {"municipality": "1280", "stays": 2, "long_stays": [{"stay_id": "Ö-1", "ready_days": 9}]},
            {"municipality": "1281", "stays": 0, "long_stays": []},
        ],
        "anomalies": [],
    }
    assert indented_json(value) == (
        '{\n  "agreement": "skane-longstay-proposal",\n  "municipalities": [\n    {\n      "municipality": "1280",\n'
        '      "stays": 2,\n      "long_stays": [\n        {\n          "stay_id": "Ö-1",\n          "ready_days": 9\n'
        '        }\n      ]\n    },\n    {\n      "municipality": "1281",\n      "stays": 0,\n      "long_stays": []\n'
        '    }\n  ],\n  "anomalies": []\n}'
    )
