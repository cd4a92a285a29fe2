"""Distribution: invitations, hot and cold campaigns, reminders, contact pressure, funnel.

See ``docs/distribution.md``. Job handlers are registered by
:func:`cxlens.features.distribution.tasks.register`.
"""

from cxlens.features.distribution.campaigns import create_cold_campaign, start_wave
from cxlens.features.distribution.funnel import funnel
from cxlens.features.distribution.pressure import PressurePolicy, decide, load_policy, set_policy
from cxlens.features.distribution.service import (
    add_trigger_rule,
    create_invitation,
    invitation_prefill,
    record_bounce,
    record_event,
    record_opt_out,
)
from cxlens.features.distribution.silent import flagged_customers, silent_customers

__all__ = [
    "PressurePolicy",
    "add_trigger_rule",
    "create_cold_campaign",
    "create_invitation",
    "decide",
    "flagged_customers",
    "funnel",
    "invitation_prefill",
    "load_policy",
    "record_bounce",
    "record_event",
    "record_opt_out",
    "set_policy",
    "silent_customers",
    "start_wave",
]
