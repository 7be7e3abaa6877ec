"""The whole system on one machine, on its embedded defaults (SQLite per service, the local broker).

python -m deploy.system run    # start, play a short demo, stay up until Ctrl-C, then stop all it started
python -m deploy.system up     # the same in the background; returns when every /health answers 200
python -m deploy.system down   # stop what `up` started
"""

import os
import signal
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from deploy.local_system import (
    DATABASE_SERVICES,
    DEFAULT_PORTS,
    ENV_PREFIX,
    ROOT,
    SERVICES,
    service_processes,
    wait_until,
)
from svu_shared import local_issuer
from svu_shared.contracts import TOPICS

RUN_DIR = ROOT / ".local" / "run"
PIDS = RUN_DIR / "pids"
KAFKA_PORT = os.environ.get("KAFKA_PORT", "9092")
BOOTSTRAP = f"127.0.0.1:{KAFKA_PORT}"


def stop_broker() -> None:
    _kafka("stop")


def _kafka(command: str) -> None:
    subprocess.run(
        [str(ROOT / "deploy/kafka/kafka.sh"), command], check=True, env={**os.environ, "KAFKA_PORT": KAFKA_PORT}
    )


def _database_urls() -> dict[str, str]:
    return {
        s: os.environ.get(f"{ENV_PREFIX[s]}DATABASE_URL", f"sqlite+aiosqlite:///{RUN_DIR}/{s}.db")
        for s in DATABASE_SERVICES
    }


def _ports() -> dict[str, int]:
    return {s: int(os.environ.get(f"{ENV_PREFIX[s]}PORT", DEFAULT_PORTS[s])) for s in SERVICES}


def start(detached: bool):  # type: ignore[no-untyped-def]
    print(f"SVU web application: http://127.0.0.1:{_ports()['web']}/  (starting the system ...)")
    _kafka("start")
    procs = service_processes(BOOTSTRAP, _database_urls(), RUN_DIR, _ports())
    pids = [str(proc.start(detached=detached)) for proc in procs.values()]
    if detached:
        PIDS.write_text("\n".join(pids) + "\n")
    for proc in procs.values():
        proc.wait_healthy(timeout=120)
    return procs


def _bearer(role: str, org: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {local_issuer.token(role, org)}"}


def demo(procs) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Plays the demo; returns the stay id of each stage (the screenshots visit them)."""
    url = {name: proc.url for name, proc in procs.items()}
    stay = f"demo-{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC).replace(microsecond=0)
    ready_at, discharged_at = now - timedelta(days=2, hours=3), now - timedelta(hours=1)
    print(f"\n== Demo: one stay ({stay}) for Tolvan Tolvansson, folkbokförd in Malmö (1280)")
    # Each user group with its own token from the local issuer (`make token`), as the region's IdP would give.
    ward = _bearer("ward", "SE2321000016-MEDAVD3")
    vardcentral = _bearer("primary_care", "SE2321000016-VCLIMHAMN")
    malmo = _bearer("municipality", "1280")
    finance = _bearer("finance", "SE2321000016-EKONOMI")

    def known_to(service: str):  # type: ignore[no-untyped-def]
        return lambda: httpx.get(f"{url[service]}/stays/{stay}", headers=ward, timeout=5).status_code == 200

    steps = [
        (
            "ward posts the admission notice",
            ward,
            "POST",
            f"{url['admission']}/admission-notices",
            {
                "stay_id": stay,
                "patient_id": "191212121212",
                "municipality": "1280",
                "care_unit": "SE2321000016-MEDAVD3",
                "primary_care_unit": "SE2321000016-VCLIMHAMN",
                "admitted_at": (now - timedelta(days=5)).isoformat(),
            },
        ),
        (
            "vårdcentral names the fast vårdkontakt",
            vardcentral,
            "PUT",
            f"{url['planning']}/stays/{stay}/care-contact",
            {"name": "Karin Lind, distriktssköterska", "care_unit": "SE2321000016-VCLIMHAMN"},
        ),
        (
            "ward notifies discharge-ready",
            ward,
            "POST",
            f"{url['discharge']}/stays/{stay}/discharge-ready",
            {"judged_at": ready_at.isoformat()},
        ),
        (
            # The notice's send time is the server's (it starts the payment clock); this one went on paper two
            # days ago while the record system was down, so the ward records that time with its reason (ADR 0015).
            "ward records that the notice went on paper two days ago",
            ward,
            "POST",
            f"{url['discharge']}/stays/{stay}/discharge-ready/backdating",
            {"sent_at": ready_at.isoformat(), "reason": "journalsystemet låg nere; underrättelsen faxades"},
        ),
        (
            "municipality can receive the patient",
            malmo,
            "PUT",
            f"{url['planning']}/stays/{stay}/receiving-decision",
            {"can_receive": True, "from_date": discharged_at.date().isoformat()},
        ),
        (
            "ward discharges the patient home",
            ward,
            "POST",
            f"{url['discharge']}/stays/{stay}/discharge",
            {"discharged_at": discharged_at.isoformat(), "destination": "home"},
        ),
    ]
    for label, who, method, endpoint, body in steps:
        response = httpx.request(method, endpoint, json=body, headers=who, timeout=10)
        print(f"  {label}: {method} {endpoint} -> {response.status_code}")
        response.raise_for_status()
        if endpoint.endswith("/admission-notices"):
            for service in ("planning", "discharge"):
                wait_until(known_to(service), timeout=30, what=f"{service} to have the admission notice")

    def case_discharged():  # type: ignore[no-untyped-def]
        cases = [
            case
            for who in (malmo, vardcentral)
            for case in httpx.get(f"{url['planning']}/cases", params={"stay_id": stay}, headers=who, timeout=5).json()[
                "items"
            ]
        ]
        return cases if cases and all(c["status"] == "discharged" for c in cases) else None

    def billed_period():  # type: ignore[no-untyped-def]
        response = httpx.get(f"{url['billing']}/stays/{stay}/ready-periods", headers=finance, timeout=5)
        body = response.json() if response.status_code == 200 else None
        return body if body and body["discharged_at"] else None

    cases = wait_until(case_discharged, timeout=30, what="the planning cases")
    period = wait_until(billed_period, timeout=30, what="billing's ready period")
    for case in cases:
        print(f"  planning ({case['receiver_kind']} {case['receiver_id']}): case {case['case_id']} is {case['status']}")
    for p in period["periods"]:
        print(
            f"  billing: ready period {p['opened_at']} .. {p['closed_at']} (from events {p['opened_by'][:8]}…, "
            f"{(p['closed_by'] or '')[:8]}…)"
        )
    stages = {"discharged": stay, **more_stays(url, now, ward, vardcentral, malmo)}
    print("\n== Where to look")
    print(f"  web        {url['web']}/   (sign in as any user group on the development sign-in page)")
    for name, proc in procs.items():
        if name != "web":
            print(f"  {name:<10} {proc.url}/docs   (health: {proc.url}/health, log: {proc.log.relative_to(ROOT)})")
    print(f"  broker     {BOOTSTRAP} (topics {', '.join(TOPICS)})")
    print(f"\nOpen {url['web']}/ in a browser.")
    return stages


PATIENTS = (  # made-up personnummer with valid check digits (Skatteverket's test numbers where they fit)
    ("191212121212", "Tolvan Tolvansson"),
    ("199001012385", "Britt Nilsson"),
    ("194107086995", "Gunnar Holm"),
    ("193811279250", "Sture Lind"),
)


def more_stays(url: dict[str, str], now: datetime, ward: dict, vardcentral: dict, malmo: dict) -> dict[str, str]:  # type: ignore[type-arg]
    """Stays at the other stages, so that every user group's start page has something to show: a new notice,
    one discharge-ready for two days, one with the SIP invitation sent, and one whose notice came late."""
    print("\n== More stays at other stages")

    def post_notice(label: str, patient: tuple[str, str], admitted: datetime, **extra: str) -> str:
        stay = f"demo-{uuid.uuid4().hex[:8]}"
        body = {
            "stay_id": stay,
            "patient_id": patient[0],
            "patient_name": patient[1],
            "municipality": "1280",
            "care_unit": "SE2321000016-MEDAVD3",
            "primary_care_unit": "SE2321000016-VCLIMHAMN",
            "admitted_at": admitted.isoformat(),
            "estimated_discharge_date": (now + timedelta(days=3)).date().isoformat(),
            **extra,
        }
        answer = httpx.post(f"{url['admission']}/admission-notices", json=body, headers=ward, timeout=10)
        print(f"  {label} ({stay}): admission notice -> {answer.status_code}")
        answer.raise_for_status()
        for service in ("planning", "discharge"):
            wait_until(
                lambda s=service: httpx.get(f"{url[s]}/stays/{stay}", headers=ward, timeout=5).status_code == 200,
                timeout=30,
                what=f"{service} to have the admission notice",
            )
        return stay

    def act(who: dict, method: str, endpoint: str, body: dict) -> None:  # type: ignore[type-arg]
        answer = httpx.request(method, endpoint, json=body, headers=who, timeout=10)
        print(f"    {method} {endpoint.split('/', 3)[-1]} -> {answer.status_code}")
        answer.raise_for_status()

    new = post_notice("a new notice", PATIENTS[1], now - timedelta(hours=2))
    ready = post_notice("discharge-ready for two days", PATIENTS[2], now - timedelta(days=6))
    act(
        ward,
        "POST",
        f"{url['discharge']}/stays/{ready}/discharge-ready",
        {"judged_at": (now - timedelta(days=2)).isoformat()},
    )
    act(
        ward,
        "POST",
        f"{url['discharge']}/stays/{ready}/discharge-ready/backdating",
        {
            "sent_at": (now - timedelta(days=2)).isoformat(),
            "reason": "journalsystemet låg nere; underrättelsen faxades",
        },
    )
    invited = post_notice("SIP invitation sent", PATIENTS[3], now - timedelta(days=3))
    act(
        vardcentral,
        "PUT",
        f"{url['planning']}/stays/{invited}/care-contact",
        {"name": "Karin Lind", "care_unit": "SE2321000016-VCLIMHAMN"},
    )
    act(vardcentral, "PUT", f"{url['planning']}/stays/{invited}/sip-decision", {"sip_needed": True})
    act(
        vardcentral,
        "PUT",
        f"{url['planning']}/stays/{invited}/sip-invitation",
        {
            "meeting_at": (now + timedelta(days=2)).isoformat(),
            "invitees": ["Malmö stad, biståndshandläggare", "Avdelning 3"],
        },
    )
    late = post_notice("a late notice (admitted 30 hours ago)", PATIENTS[0], now - timedelta(hours=30))
    return {"new": new, "ready": ready, "sip_invited": invited, "late": late}


def run() -> None:
    procs = start(detached=False)
    try:
        demo(procs)
        print("\nThe system is up. Press Ctrl-C to stop everything `make run` started.")
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        while True:
            signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping the services and the broker ...")
        for proc in procs.values():
            proc.stop()
        _kafka("stop")


def down() -> None:
    if PIDS.exists():
        for pid in PIDS.read_text().split():
            try:
                os.kill(int(pid), signal.SIGTERM)
            except ProcessLookupError:
                pass
        for pid in PIDS.read_text().split():
            wait_until(lambda pid=pid: not _alive(int(pid)), timeout=30, what=f"process {pid} to stop")
        PIDS.unlink()
    _kafka("stop")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    if command == "run":
        run()
    elif command == "up":
        start(detached=True)
        print("System up: admission :8001, planning :8002, discharge :8003, billing :8004. `make down` stops it.")
    elif command == "down":
        down()
    else:
        sys.exit(f"usage: python -m deploy.system run|up|down (not {command!r})")
