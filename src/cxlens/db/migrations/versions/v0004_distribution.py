"""Distribution: trigger rules, events, cold campaigns and waves, dispatch state, contact pressure.

Revision ID: 0004_distribution
Revises: 0003_surveys
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_distribution"
down_revision: str | None = "0003_surveys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "campaigns",
    "contact_policies",
    "trigger_rules",
    "campaign_waves",
    "contact_suppressions",
    "customer_events",
    "customer_flags",
    "invitation_dispatches",
    "suppression_log",
)


def upgrade() -> None:
    """Create the distribution tables."""
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=True),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=True),
        sa.Column("sample_fraction", sa.Double(), nullable=True),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("reminder_count", sa.Integer(), nullable=False),
        sa.Column("reminder_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "channel IN ('email', 'sms', 'web', 'widget')", name=op.f("ck_campaigns_channel")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"], ["schedules.id"], name=op.f("fk_campaigns_schedule_id_schedules")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_campaigns_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoints.id"],
            name=op.f("fk_campaigns_touchpoint_id_touchpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
        sa.UniqueConstraint("name", name=op.f("uq_campaigns_name")),
    )
    op.create_table(
        "contact_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("min_days_between", sa.Integer(), nullable=True),
        sa.Column("quiet_start_minute", sa.Integer(), nullable=True),
        sa.Column("quiet_end_minute", sa.Integer(), nullable=True),
        sa.Column("silent_after", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_contact_policies_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_policies")),
        sa.UniqueConstraint("survey_id", name=op.f("uq_contact_policies_survey_id")),
    )
    op.create_table(
        "trigger_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("delay_seconds", sa.Integer(), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=True),
        sa.Column("reminder_count", sa.Integer(), nullable=False),
        sa.Column("reminder_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "channel IN ('email', 'sms', 'web', 'widget')", name=op.f("ck_trigger_rules_channel")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_trigger_rules_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoints.id"],
            name=op.f("fk_trigger_rules_touchpoint_id_touchpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trigger_rules")),
        sa.UniqueConstraint(
            "event", "survey_id", "channel", name=op.f("uq_trigger_rules_event_survey_id_channel")
        ),
    )
    with op.batch_alter_table("trigger_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trigger_rules_event"), ["event"], unique=False)

    op.create_table(
        "campaign_waves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("eligible", sa.Integer(), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_waves_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_waves")),
        sa.UniqueConstraint(
            "campaign_id", "number", name=op.f("uq_campaign_waves_campaign_id_number")
        ),
        sa.UniqueConstraint(
            "campaign_id", "scheduled_for", name=op.f("uq_campaign_waves_campaign_id_scheduled_for")
        ),
    )
    op.create_table(
        "contact_suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("address", sa.String(length=320), nullable=True),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reason IN ('opt_out', 'bounce')", name=op.f("ck_contact_suppressions_reason")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contact_suppressions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_suppressions")),
    )
    with op.batch_alter_table("contact_suppressions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_suppressions_customer_id"), ["customer_id"], unique=False
        )

    op.create_table(
        "customer_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("properties", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_events_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_events")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_customer_events_idempotency_key")),
    )
    with op.batch_alter_table("customer_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customer_events_event"), ["event"], unique=False)

    op.create_table(
        "customer_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("flag", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("flagged_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_flags_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_flags")),
        sa.UniqueConstraint("customer_id", "flag", name=op.f("uq_customer_flags_customer_id_flag")),
    )
    op.create_table(
        "invitation_dispatches",
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("prefill", sa.JSON(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("wave_id", sa.Integer(), nullable=True),
        sa.Column("trigger_rule_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_count", sa.Integer(), nullable=False),
        sa.Column("reminder_interval_seconds", sa.Integer(), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider_id", sa.String(length=300), nullable=True),
        sa.Column("failure_reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('hot', 'cold', 'manual')", name=op.f("ck_invitation_dispatches_kind")
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'suppressed', 'failed')",
            name=op.f("ck_invitation_dispatches_status"),
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_invitation_dispatches_campaign_id_campaigns"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_invitation_dispatches_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["customer_events.id"],
            name=op.f("fk_invitation_dispatches_event_id_customer_events"),
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_invitation_dispatches_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_invitation_dispatches_survey_id_surveys")
        ),
        sa.ForeignKeyConstraint(
            ["trigger_rule_id"],
            ["trigger_rules.id"],
            name=op.f("fk_invitation_dispatches_trigger_rule_id_trigger_rules"),
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["campaign_waves.id"],
            name=op.f("fk_invitation_dispatches_wave_id_campaign_waves"),
        ),
        sa.PrimaryKeyConstraint("invitation_id", name=op.f("pk_invitation_dispatches")),
    )
    with op.batch_alter_table("invitation_dispatches", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitation_dispatches_customer_id_status"),
            ["customer_id", "status"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_dispatches_survey_id"), ["survey_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitation_dispatches_wave_id"), ["wave_id"], unique=False
        )

    op.create_table(
        "suppression_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("rule", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_suppression_log_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_suppression_log_invitation_id_invitations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_suppression_log_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppression_log")),
    )
    with op.batch_alter_table("suppression_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_suppression_log_customer_id_at"), ["customer_id", "at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_suppression_log_rule"), ["rule"], unique=False)

    # ### end Alembic commands ###


def downgrade() -> None:
    """Drop the distribution tables (their indexes go with them)."""
    for table in reversed(TABLES):
        op.drop_table(table)
