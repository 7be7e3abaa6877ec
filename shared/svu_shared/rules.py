"""The one error a domain raises for a command its process rules refuse. Pure Python, so every domain layer may
raise it; the HTTP layer answers every subclass the same way: 409, problem+json, the rule in its own words
(`svu_shared.problems`, ADR 0013)."""


class RuleBroken(Exception):
    """A process rule says no to this command now (domain §2); the message names the rule."""


# The interruptions (avbrott i processen, domain §2) after which a stay's SVU process has ended, in words for the
# rule a later change breaks; a move to another municipality does not end it.
ENDING_INTERRUPTIONS = {"declined_support": "the patient declined support", "died": "the patient died"}
