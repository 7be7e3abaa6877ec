"""How a domain answers an event it cannot simply apply (ADR 0012). Pure Python, so every domain layer may raise them.

A consumer can receive the same fact twice under two event ids (a producer's bug, a foreign client, a replay of
a dead-letter topic) or a fact that contradicts what the stay already is. Neither may stop the consumer:
- `DuplicateEvent`: the same content again; the inbox records the event id and applies nothing.
- `RejectedEvent`: the event breaks a rule of the domain and can never apply; the consumer sends it to the
  dead-letter topic with this message, which names the rule, and goes on with the next event.
Raise either before writing anything: the inbox keeps the transaction's other writes.
"""


class DuplicateEvent(Exception):
    """The fact is already applied (same content, another event id): a no-op."""


class RejectedEvent(Exception):
    """The event can never be applied: its message names the rule it breaks."""
