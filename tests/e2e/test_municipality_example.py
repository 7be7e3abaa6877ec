"""ADR 0010, ADR 0022: the example consumer in examples/ reads the municipality's own feed from planning, and
another municipality's patients never reach it."""

import subprocess
import sys

import httpx

from deploy.local_system import ROOT
from tests.support.auth import municipality, ward
from tests.support.ids import unique_hex
from tests.support.notices import admission_notice
from tests.support.realparts import wait_until


def test_the_example_consumer_prints_the_municipalitys_stays_and_no_others(running_services, tmp_path):
    admission, planning = running_services["admission"].url, running_services["planning"].url
    gotland, malmo = f"e2e-gotland-{unique_hex()[:8]}", f"e2e-malmo-{unique_hex()[:8]}"
    for stay_id, kommunkod in ((gotland, "0980"), (malmo, "1280")):
        notice = admission_notice(stay_id, kommunkod)
        assert httpx.post(f"{admission}/admission-notices", json=notice, headers=ward(), timeout=10).status_code == 201
    wait_until(
        lambda: [
            case
            for case in httpx.get(
                f"{planning}/cases", params={"stay_id": gotland}, headers=municipality("0980"), timeout=10
            ).json()["items"]
            if case["patient_id"]
        ],
        what="planning to open Gotland's case and know its patient (the identity has a topic of its own, ADR 0028)",
    )
    token = tmp_path / "token"
    token.write_text(municipality("0980")["Authorization"].removeprefix("Bearer "))
    run = subprocess.run(
        [sys.executable, "examples/municipality_consumer.py", "--token-file", str(token), "--planning", planning],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    ours = [line for line in run.stdout.splitlines() if f"stay={gotland}" in line]
    # One line per event, in the order planning applied and published them.
    # The identity after the case, whichever came first: one waiting for its notice applies after it (ADR 0028).
    assert [line.split()[1] for line in ours] == [
        "se.svu.admission.notice_sent.v2",
        "se.svu.planning.case_opened.v1",
        "se.svu.admission.patient_identified.v1",
    ]
    assert malmo not in run.stdout  # another municipality's patient is never shown
