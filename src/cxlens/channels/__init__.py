"""Channels: the adapters that deliver invitations (email over SMTP, SMS over HTTP gateways).

Each channel has a Protocol, a real adapter and an in-memory one for the layers above. They
know nothing of the database: the worker calls them with a composed message and records the
outcome. Failures are :class:`~cxlens.channels.errors.DeliveryError`, which says whether to
retry, and whether the recipient should get no further sends (a bounce).
"""

from cxlens.channels.errors import DeliveryError, FailureKind

__all__ = ["DeliveryError", "FailureKind"]
