"""Contracts (integration events in a CloudEvents envelope) and messaging plumbing shared by the SVU services.

Nothing here knows a service: services depend on this package, never the other way (see .importlinter).
"""
