"""Distribution: invitations, hot and cold campaigns, reminders, contact pressure, funnel.

See ``docs/distribution.md``. Job handlers are registered by
:func:`cxlens.features.distribution.tasks.register`.
"""

from cxlens.features.distribution.campaigns import create_cold_campaign, start_wave
from cxlens.features.distribution.funnel import funnel
from cxlens.features.distribution.invites import invite
from cxlens.features.distribution.listing import (
    campaign_waves,
    list_campaigns,
    list_triggers,
    policy_view,
    silent_report,
    suppression_log,
)
from cxlens.features.distribution.pressure import (
    PressurePolicy,
    configure_pressure,
    decide,
    load_policy,
    set_policy,
)
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
    "campaign_waves",
    "configure_pressure",
    "create_cold_campaign",
    "create_invitation",
    "decide",
    "flagged_customers",
    "funnel",
    "invitation_prefill",
    "invite",
    "list_campaigns",
    "list_triggers",
    "load_policy",
    "policy_view",
    "record_bounce",
    "record_event",
    "record_opt_out",
    "set_policy",
    "silent_customers",
    "silent_report",
    "start_wave",
    "suppression_log",
]
