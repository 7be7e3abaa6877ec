"""`billing`: finance's command line. Settles a month from an event file without any server running.

    billing settle  --agreement skane-2018 --period 2023-03 --events events.csv [--format json|csv]
    billing compare --agreements skane-2018 skane-2018-midnight --period 2023-03 --events events.jsonl
    billing follow-up --agreement skane-2018 --from 2023-01 --to 2023-12 --events events.csv [--format json|png]
    billing agreements

Exit codes: 0 done; 2 bad input (the message names the file and line, or the field); nothing partial is written.
"""

import argparse
import json
import sys
from pathlib import Path

from billing.adapters.agreement_files import available_agreements, load_agreement, load_day_amounts
from billing.adapters.event_files import EventFileError, read_facts
from billing.adapters.follow_up_report import follow_up_dict, follow_up_png
from billing.adapters.settlement_report import (
    comparison_csv,
    comparison_dict,
    indented_json,
    settlement_csv,
    settlement_json,
)
from billing.domain.agreement import AgreementError
from billing.domain.calendar import Month
from billing.domain.follow_up import follow_up
from billing.service_layer.settling import compare, settle_facts, timelines

BAD_INPUT = 2


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="billing", description="Payment-responsibility settlement (betalningsansvar).")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--period", required=True, help="the settled month, YYYY-MM (Europe/Stockholm)")
    common.add_argument(
        "--events",
        required=True,
        type=Path,
        help="JSONL of CloudEvents, or CSV stay_id,municipality,care_type,event,at",
    )
    common.add_argument("--format", choices=("json", "csv"), default="json")
    common.add_argument("--day-amounts", type=Path, default=None, help="day-amount table (TOML) to use instead")
    s = sub.add_parser("settle", parents=[common], help="settle one month under one agreement")
    s.add_argument("--agreement", required=True)
    c = sub.add_parser("compare", parents=[common], help="one month under two agreements, per municipality")
    c.add_argument("--agreements", required=True, nargs=2, metavar=("A", "B"))
    f = sub.add_parser("follow-up", help="ready days per municipality and month, long-stayers, average vs threshold")
    f.add_argument("--agreement", required=True)
    f.add_argument("--from", dest="first", required=True, help="first month, YYYY-MM")
    f.add_argument("--to", dest="last", required=True, help="last month, YYYY-MM")
    f.add_argument("--events", required=True, type=Path)
    f.add_argument("--format", choices=("json", "png"), default="json")
    f.add_argument("--output", type=Path, help="file to write (a PNG needs one)")
    sub.add_parser("agreements", help="list the agreement files")
    return p


def run(args: argparse.Namespace) -> str | bytes:
    if args.command == "agreements":
        return "\n".join(available_agreements()) + "\n"
    if args.command == "follow-up":
        agreement = load_agreement(args.agreement)
        figures = follow_up(
            agreement, Month.parse(args.first), Month.parse(args.last), timelines(read_facts(args.events))
        )
        if args.format == "png":
            return follow_up_png(agreement.id, figures)
        return json.dumps(follow_up_dict(agreement.id, figures), indent=2) + "\n"
    period = Month.parse(args.period)
    day_amounts = load_day_amounts(args.day_amounts) if args.day_amounts else load_day_amounts()
    ids = [args.agreement] if args.command == "settle" else list(args.agreements)
    agreements = [load_agreement(i) for i in ids]  # unknown ids fail before the file is read
    known = timelines(read_facts(args.events))  # once, for one agreement or two
    settlements = [settle_facts(a, period, known, day_amounts) for a in agreements]
    if args.command == "settle":
        return settlement_json(settlements[0]) if args.format == "json" else settlement_csv(settlements[0])
    rows = compare((settlements[0], settlements[1]))
    pair = (ids[0], ids[1])
    if args.format == "csv":
        return comparison_csv(pair, rows)
    return indented_json(comparison_dict(pair, str(period), rows)) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        output = run(args)
    except (EventFileError, AgreementError, ValueError) as exc:
        print(f"billing {args.command}: {exc}", file=sys.stderr)
        return BAD_INPUT
    # All at once, after everything was computed: nothing partial is written.
    if getattr(args, "output", None):
        args.output.write_bytes(output if isinstance(output, bytes) else output.encode())
    elif isinstance(output, bytes):
        print(f"billing {args.command}: --format png needs --output FILE", file=sys.stderr)
        return BAD_INPUT
    else:
        sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
