"""Web tests that drive the worker reuse the distribution fixtures (settings on the test
database, a loopback Twilio and SMTP server, a survey, customers, a manual clock)."""

from features.distribution.conftest import (  # noqa: F401 (fixtures, used by name)
    clock,
    make_customer,
    settings,
    smtp,
    survey,
    twilio,
)
