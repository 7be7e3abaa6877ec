"""`billing settle` / `billing compare` as finance runs them: exact output, exit 2 naming the line."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from billing.entrypoints.cli import main

HEADER = "stay_id,municipality,care_type,event,at\n"


def stay_rows(stay: str, municipality: str, ready: str, discharged: str) -> str:
    return (
        f"{stay},{municipality},somatic,admission_notice,2022-03-01T08:00:00+01:00\n"
        f"{stay},{municipality},somatic,discharge_ready,{ready}\n"
        f"{stay},{municipality},somatic,discharged,{discharged}\n"
    )


@pytest.fixture
def month_file(tmp_path: Path) -> Path:
    # Municipality 1280: ten stays with ready days [0, 1, 1, 2, 3, 3, 4, 5, 6, 7] (noon boundary) -> 37 200.00 SEK.
    rows = ""
    for i, days in enumerate([0, 1, 1, 2, 3, 3, 4, 5, 6, 7]):
        discharged = f"2022-03-{1 + max(days - 1, 0):02d}T{'15' if days else '10'}:00:00+01:00"
        rows += stay_rows(f"Y{i}", "1280", "2022-03-01T09:00:00+01:00", discharged)
    path = tmp_path / "march.csv"
    path.write_text(HEADER + rows)
    return path


def settle_json(capsys, *args: str) -> dict:  # type: ignore[no-untyped-def]
    assert main(["settle", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_settle_prints_the_settlement_as_json(month_file, capsys):
    result = settle_json(capsys, "--agreement", "skane-2018", "--period", "2022-03", "--events", str(month_file))
    assert result == {
        "agreement": "skane-2018",
        "period": "2022-03",
        "municipalities": [
            {
                "municipality": "1280",
                "stays": 10,
                "ready_days": 32,
                "average_days": "3.200",
                "billable_days": "4.00",
                "day_amount_sek": "9300.00",
                "amount_sek": "37200.00",
                "long_stays": [],
            }
        ],
        "anomalies": [],
    }


def test_settle_is_reproducible_byte_for_byte(month_file, capsys):
    args = ["settle", "--agreement", "skane-2018", "--period", "2022-03", "--events", str(month_file)]
    main(args)
    first = capsys.readouterr().out
    main(args)
    assert capsys.readouterr().out == first


def test_settle_as_csv(month_file, capsys):
    assert (
        main(
            [
                "settle",
                "--agreement",
                "skane-2018",
                "--period",
                "2022-03",
                "--events",
                str(month_file),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0] == "line,municipality,stay_id,stays,ready_days,average_days,billable_days,day_amount_sek,"
        "amount_sek,reason"
    )
    assert lines[1] == "municipality,1280,,10,32,3.200,4.00,9300.00,37200.00,"


def test_compare_shows_each_agreement_and_the_difference(month_file, capsys):
    assert (
        main(
            [
                "compare",
                "--agreements",
                "skane-2018",
                "skane-2018-midnight",
                "--period",
                "2022-03",
                "--events",
                str(month_file),
            ]
        )
        == 0
    )
    [row] = json.loads(capsys.readouterr().out)["municipalities"]
    # 00:00 boundary: ready 09:00, discharged 15:00 -> one day less per stay with days; D = 32 - 9 = 23, avg 2.3.
    assert row["skane-2018"]["amount_sek"] == "37200.00"
    assert row["skane-2018-midnight"]["ready_days"] == 23
    assert row["skane-2018-midnight"]["amount_sek"] == "0.00"
    assert row["difference_sek"] == "-37200.00"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X,1280,somatic,admitted,2022-03-01T08:00:00+01:00", "line 2: unknown event 'admitted'"),
        ("X,1280,somatic,discharged,2022-03-01T08:00:00", "line 2: at '2022-03-01T08:00:00' has no UTC offset"),
        ("X,128,somatic,discharged,2022-03-01T08:00:00+01:00", "line 2: municipality '128' must be a four-digit"),
        ("X,1180,somatic,discharged,2022-03-01T08:00:00+01:00", "line 2: municipality '1180' is not one of SCB's 290"),
        ("X,1289,somatic,discharged,2022-03-01T08:00:00+01:00", "line 2: municipality '1289' is not one of SCB's 290"),
        ("X,1280,dental,discharged,2022-03-01T08:00:00+01:00", "line 2: care_type must be somatic or psychiatric"),
        # ADR 0027: a stay id is checked before it reaches a settlement file.
        ("=cmd|x,1280,somatic,discharged,2022-03-01T08:00:00+01:00", "line 2: stay_id must be 1-64 letters, digits"),
        ("191212121212,1280,somatic,discharged,2022-03-01T08:00:00+01:00", "line 2: stay_id must not contain a pers"),
    ],
)
def test_bad_input_exits_2_naming_the_line_and_writes_nothing(tmp_path, capsys, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + row + "\n")
    assert main(["settle", "--agreement", "skane-2018", "--period", "2022-03", "--events", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}, {message}" in err


def test_unreadable_file_and_unknown_agreement_exit_2(tmp_path, capsys):
    assert (
        main(["settle", "--agreement", "skane-2018", "--period", "2022-03", "--events", str(tmp_path / "missing.csv")])
        == 2
    )
    assert "cannot read the event file" in capsys.readouterr().err
    assert (
        main(["settle", "--agreement", "skane-2099", "--period", "2022-03", "--events", str(tmp_path / "missing.csv")])
        == 2
    )
    assert "unknown agreement 'skane-2099'" in capsys.readouterr().err


def test_jsonl_unknown_type_names_the_line(tmp_path, capsys):
    path = tmp_path / "events.jsonl"
    path.write_text(
        '{"specversion":"1.0","id":"1","source":"/x","type":"se.svu.nope.v1","subject":"S",'
        '"time":"2022-03-01T08:00:00Z","data":{}}\n'
    )
    assert main(["settle", "--agreement", "skane-2018", "--period", "2022-03", "--events", str(path)]) == 2
    assert f"{path}, line 1: unknown event type 'se.svu.nope.v1'" in capsys.readouterr().err


def test_console_script_is_installed_in_the_project_venv(month_file):
    billing = Path(sys.executable).parent / "billing"
    result = subprocess.run(
        [str(billing), "settle", "--agreement", "skane-2018", "--period", "2022-03", "--events", str(month_file)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["municipalities"][0]["amount_sek"] == "37200.00"


def test_follow_up_json_and_png(month_file, tmp_path, capsys):
    with month_file.open("a") as f:
        f.write(stay_rows("LONG", "1281", "2022-04-01T09:00:00+02:00", "2022-04-09T15:00:00+02:00"))
    assert (
        main(
            [
                "follow-up",
                "--agreement",
                "skane-2018",
                "--from",
                "2022-03",
                "--to",
                "2022-04",
                "--events",
                str(month_file),
            ]
        )
        == 0
    )
    months = json.loads(capsys.readouterr().out)["months"]
    assert months == [
        {
            "period": "2022-03",
            "municipality": "1280",
            "stays": 10,
            "ready_days": 32,
            "average_days": "3.200",
            "threshold_days": "2.8",
            "over_threshold": True,
            "long_stays": [],
        },
        {
            "period": "2022-04",
            "municipality": "1281",
            "stays": 1,
            "ready_days": 9,
            "average_days": "9.000",
            "threshold_days": "2.8",
            "over_threshold": True,
            "long_stays": ["LONG"],
        },
    ]
    chart = tmp_path / "follow-up.png"
    assert (
        main(
            [
                "follow-up",
                "--agreement",
                "skane-2018",
                "--from",
                "2022-03",
                "--to",
                "2022-04",
                "--events",
                str(month_file),
                "--format",
                "png",
                "--output",
                str(chart),
            ]
        )
        == 0
    )
    assert chart.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_lines_in_any_order_settle_as_in_stay_order(month_file, tmp_path, capsys):
    # Stays numbered along runs of a sorted file or ranked otherwise (ADR 0019): the same settlement either way.
    lines = month_file.read_text().splitlines()
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n")
    args = ["--agreement", "skane-2018", "--period", "2022-03", "--events"]
    assert settle_json(capsys, *args, str(shuffled)) == settle_json(capsys, *args, str(month_file))


def test_a_personnummer_shaped_stay_id_is_named_at_its_first_line_wherever_its_lines_are(tmp_path, capsys):
    good = "Y1,1280,somatic,admission_notice,2022-03-01T08:00:00+01:00\n"
    bad = "Y-19121212-1212,1280,somatic,discharged,2022-03-01T09:00:00+01:00\n"
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + good + bad + good + bad)
    assert main(["settle", "--agreement", "skane-2018", "--period", "2022-03", "--events", str(path)]) == 2
    assert f"{path}, line 3: stay_id must not contain a pers" in capsys.readouterr().err


def test_a_long_run_of_digits_is_not_a_personnummer(tmp_path, capsys):
    # 13 digits: no run of 10 or 12 (identifiers.looks_like_personnummer), as in the synthetic year's stay ids.
    path = tmp_path / "digits.csv"
    path.write_text(
        HEADER + stay_rows("S2023030000001", "1280", "2022-03-01T09:00:00+01:00", "2022-03-03T15:00:00+01:00")
    )
    result = settle_json(capsys, "--agreement", "skane-2018", "--period", "2022-03", "--events", str(path))
    assert [(m["municipality"], m["stays"], m["ready_days"]) for m in result["municipalities"]] == [("1280", 1, 3)]
