"""The fault tests' system: admission and planning processes of their own, for one municipality per test."""

import zlib

import pytest

from svu_shared.contracts.municipality import MUNICIPALITIES
from tests.fault.system import FaultSystem


@pytest.fixture
def system(kafka, postgres, request):  # type: ignore[no-untyped-def]
    # A municipality of its own per test (and per parameter), so each reconciliation reads only its own cases.
    municipality = sorted(MUNICIPALITIES)[zlib.crc32(request.node.name.encode()) % len(MUNICIPALITIES)]
    built = FaultSystem(kafka, postgres, municipality, request.node.name.split("[")[0][5:30].replace("_", ""))
    yield built
    built.stop()
