"""A CSV file's facts carry their events as line numbers through the engine; the underlag and the timelines name
each event `file:line`, as the line it was read from (ADR 0019)."""

from pathlib import Path

from billing.adapters.agreement_files import load_agreement, load_day_amounts
from billing.adapters.event_files import read_facts
from billing.domain.calendar import Month
from billing.domain.facts import FileFacts
from billing.service_layer.settling import settle_facts, timelines

LINES = (
    "stay_id,municipality,care_type,event,at\n"
    "B1,1280,somatic,admission_notice,2022-03-01T08:00:00+01:00\n"
    "A1,1281,somatic,admission_notice,2022-03-02T08:00:00+01:00\n"
    "B1,1280,somatic,discharge_ready,2022-03-01T09:00:00+01:00\n"
    "A1,1281,somatic,discharge_ready,2022-03-02T09:00:00+01:00\n"
    "A1,1281,somatic,discharge_ready_withdrawn,2022-03-03T09:00:00+01:00\n"
    "A1,1281,somatic,discharge_ready,2022-03-04T09:00:00+01:00\n"
    "B1,1280,somatic,discharged,2022-03-05T15:00:00+01:00\n"
    "A1,1281,somatic,discharged,2022-03-06T15:00:00+01:00\n"
)


def test_the_underlag_names_each_event_by_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "march.csv"
    path.write_text(LINES)
    facts = read_facts(path)
    assert isinstance(facts, FileFacts)
    assert facts.frame["event_id"].null_count() == facts.frame.height  # no text until an underlag needs it

    settled = settle_facts(load_agreement("skane-2018"), Month.parse("2022-03"), facts, load_day_amounts())
    stays = {s.stay_id: s for s in settled.stays}
    assert stays["A1"].event_ids == tuple(f"march.csv:{line}" for line in (3, 5, 6, 7, 9))
    assert [(p.opened_by, p.closed_by, p.days) for p in stays["A1"].periods] == [
        ("march.csv:5", "march.csv:6", 1),
        ("march.csv:7", "march.csv:9", 3),
    ]
    assert stays["B1"].event_ids == ("march.csv:2", "march.csv:4", "march.csv:8")
    assert [(p.opened_by, p.closed_by, p.days) for p in stays["B1"].periods] == [("march.csv:4", "march.csv:8", 5)]

    [timeline] = [t for t in timelines(facts).objects() if t.stay_id == "A1"]
    assert (timeline.admission_notice, timeline.discharged_by) == ("march.csv:3", "march.csv:9")
