"""One shape for every figure in bench/results/latest.json: name, value, unit, the reference measured in the
same run (when there is one), and what else explains the figure."""

from typing import Any


def figure(name: str, value: float, unit: str, reference: tuple[str, float] | None = None, **details: Any) -> dict:
    entry: dict[str, Any] = {"name": name, "value": value, "unit": unit}
    if reference is not None:
        entry["reference"] = {"name": reference[0], "value": reference[1], "unit": unit}
    return {**entry, **details}
