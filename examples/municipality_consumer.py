"""A municipality's SVU system following its own residents' stays, from planning's feed (ADR 0022).

    make -s token ROLE=municipality ORG=1281 > token
    .venv/bin/python examples/municipality_consumer.py --token-file token [--planning http://127.0.0.1:8002] \
        [--after 0] [--follow]

The feed (GET /feed, planning's OpenAPI) gives the municipality in the token every event of its residents' stays,
oldest first, and nothing of other municipalities' patients: admission notices, the patient's identity (its own
event, after the notice, ADR 0028), corrections, transfers, discharge-ready, the cases and SIP steps, discharge.
Each event is a CloudEvents envelope as in contracts/asyncapi.json. One line per event; a real system stores
`last_position` with what it did, and starts from there. Without --follow it stops at the end of the feed. Uses only
httpx and the JSON.
"""

import argparse
import json
import time
from pathlib import Path

import httpx

POLL_SECONDS = 5.0


def read(planning: str, token: str, after: int, follow: bool) -> tuple[list[str], int]:
    lines: list[str] = []
    with httpx.Client(base_url=planning, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        while True:
            response = client.get("/feed", params={"after": after, "limit": 500})
            response.raise_for_status()
            page = response.json()
            for entry in page["items"]:
                event = entry["event"]
                line = f"{event['time']} {event['type']} stay={event['subject']} {json.dumps(event['data'])}"
                print(line, flush=True)
                lines.append(line)
            after = page["last_position"]
            if not page["items"]:
                if not follow:
                    return lines, after
                time.sleep(POLL_SECONDS)  # an empty feed: ask again a little later


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--token-file", type=Path, required=True, help="the municipality's bearer token")
    parser.add_argument("--planning", default="http://127.0.0.1:8002", help="the planning service's URL")
    parser.add_argument("--after", type=int, default=0, help="the last position already processed")
    parser.add_argument("--follow", action="store_true", help="keep reading new events")
    args = parser.parse_args()
    _lines, last = read(args.planning, args.token_file.read_text().strip(), args.after, args.follow)
    print(f"# last_position {last}", flush=True)


if __name__ == "__main__":
    main()
