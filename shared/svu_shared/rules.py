"""The one error a domain raises for a command its process rules refuse. Pure Python, so every domain layer may
raise it; the HTTP layer answers every subclass the same way: 409, problem+json, the rule in its own words
(`svu_shared.problems`, ADR 0013)."""


class RuleBroken(Exception):
    """A process rule says no to this command now (domain §2); the message names the rule."""


# The interruptions (avbrott i processen, domain §2) after which a stay's SVU process has ended, in words for the
# rule a later change breaks; a move to another municipality does not end it.
ENDING_INTERRUPTIONS = {"declined_support": "the patient declined support", "died": "the patient died"}


def check_has_patient(stay_id: str, care_unit: str | None, ward: str, act: str, broken: type[RuleBroken]) -> None:
    """Patientdatalagen 4 kap. 1 §, need-to-know over time (ADR 0025): only the ward that has the patient now
    (`care_unit`) acts on the stay; a ward the patient has left keeps reading it. One rule in one wording for every
    service: `broken` is the calling domain's `RuleBroken`, answered 409 in these words."""
    if ward != care_unit:
        raise broken(f"the patient of stay {stay_id} is on ward {care_unit} now: the ward that has the patient {act}")
