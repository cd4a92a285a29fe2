"""Initial schema: accounts, customers, touchpoints (seeded), surveys, feedback, support.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The default journey, in order (kept here, not imported: migrations are frozen in time).
SEED_TOUCHPOINTS = (
    ("website", "Website"),
    ("checkout", "Point of sale / checkout"),
    ("onboarding", "Onboarding"),
    ("usage", "Usage"),
    ("support", "Support"),
    ("shipping_returns", "Shipping & returns"),
    ("renewal", "Renewal / cancellation"),
)


def upgrade() -> None:
    """Create every table and seed the default touchpoints."""
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_ref", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("account_ref", name=op.f("uq_accounts_account_ref")),
    )
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("name", name=op.f("uq_surveys_name")),
    )
    op.create_table(
        "touchpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touchpoints")),
        sa.UniqueConstraint("key", name=op.f("uq_touchpoints_key")),
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_ref", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=True),
        sa.Column("locale", sa.String(length=35), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("age_band", sa.String(length=32), nullable=True),
        sa.Column("gender", sa.String(length=32), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("company_size", sa.String(length=32), nullable=True),
        sa.Column("plan", sa.String(length=64), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("churned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_customers_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("customer_ref", name=op.f("uq_customers_customer_ref")),
    )
    op.create_index(op.f("ix_customers_account_id"), "customers", ["account_id"], unique=False)
    op.create_index(op.f("ix_customers_acquired_at"), "customers", ["acquired_at"], unique=False)
    op.create_index(op.f("ix_customers_churned_at"), "customers", ["churned_at"], unique=False)
    op.create_table(
        "survey_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_survey_versions_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_versions")),
        sa.UniqueConstraint(
            "survey_id", "version", name=op.f("uq_survey_versions_survey_id_version")
        ),
    )
    op.create_index(
        op.f("ix_survey_versions_signature"), "survey_versions", ["signature"], unique=False
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_invitations_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_invitations_survey_version_id_survey_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoints.id"],
            name=op.f("fk_invitations_touchpoint_id_touchpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token", name=op.f("uq_invitations_token")),
    )
    op.create_index(
        op.f("ix_invitations_customer_id"), "invitations", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_invitations_survey_version_id_delivered_at"),
        "invitations",
        ["survey_version_id", "delivered_at"],
        unique=False,
    )
    op.create_table(
        "lifecycle_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('acquired', 'renewed', 'churned')", name=op.f("ck_lifecycle_events_kind")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_lifecycle_events_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lifecycle_events")),
        sa.UniqueConstraint(
            "customer_id", "kind", "at", name=op.f("uq_lifecycle_events_customer_id_kind_at")
        ),
    )
    op.create_index(
        op.f("ix_lifecycle_events_kind_at"), "lifecycle_events", ["kind", "at"], unique=False
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("scale_low", sa.Integer(), nullable=True),
        sa.Column("scale_high", sa.Integer(), nullable=True),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("positive_min", sa.Double(), nullable=True),
        sa.Column("negative_max", sa.Double(), nullable=True),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "type IN ('nps', 'csat', 'ces', 'cxi_effectiveness', 'cxi_ease', 'cxi_emotion', "
            "'rating', 'likert', 'single_choice', 'multi_choice', 'text', 'demographic')",
            name=op.f("ck_questions_type"),
        ),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_questions_survey_version_id_survey_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
        sa.UniqueConstraint(
            "survey_version_id", "key", name=op.f("uq_questions_survey_version_id_key")
        ),
    )
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("referred_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["referred_id"],
            ["customers.id"],
            name=op.f("fk_referrals_referred_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["customers.id"],
            name=op.f("fk_referrals_referrer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint(
            "referrer_id", "referred_id", name=op.f("uq_referrals_referrer_id_referred_id")
        ),
    )
    op.create_index(op.f("ix_referrals_referred_id"), "referrals", ["referred_id"], unique=False)
    op.create_table(
        "support_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("status", sa.String(length=64), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_count", sa.Integer(), nullable=True),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_support_cases_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_cases")),
        sa.UniqueConstraint("case_ref", name=op.f("uq_support_cases_case_ref")),
    )
    op.create_index(
        op.f("ix_support_cases_customer_id"), "support_cases", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_support_cases_opened_at"), "support_cases", ["opened_at"], unique=False
    )
    op.create_table(
        "responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_version_id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("response_ref", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("touchpoint_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_responses_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_responses_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitations.id"],
            name=op.f("fk_responses_invitation_id_invitations"),
        ),
        sa.ForeignKeyConstraint(
            ["survey_version_id"],
            ["survey_versions.id"],
            name=op.f("fk_responses_survey_version_id_survey_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["touchpoint_id"],
            ["touchpoints.id"],
            name=op.f("fk_responses_touchpoint_id_touchpoints"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint(
            "source", "response_ref", name=op.f("uq_responses_source_response_ref")
        ),
    )
    op.create_index(op.f("ix_responses_account_id"), "responses", ["account_id"], unique=False)
    op.create_index(
        op.f("ix_responses_channel_submitted_at"),
        "responses",
        ["channel", "submitted_at"],
        unique=False,
    )
    op.create_index(op.f("ix_responses_customer_id"), "responses", ["customer_id"], unique=False)
    op.create_index(
        op.f("ix_responses_invitation_id"), "responses", ["invitation_id"], unique=False
    )
    op.create_index(op.f("ix_responses_submitted_at"), "responses", ["submitted_at"], unique=False)
    op.create_index(
        op.f("ix_responses_survey_version_id"), "responses", ["survey_version_id"], unique=False
    )
    op.create_index(
        op.f("ix_responses_touchpoint_id_submitted_at"),
        "responses",
        ["touchpoint_id", "submitted_at"],
        unique=False,
    )
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"], ["questions.id"], name=op.f("fk_answers_question_id_questions")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["responses.id"],
            name=op.f("fk_answers_response_id_responses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint(
            "response_id", "question_id", name=op.f("uq_answers_response_id_question_id")
        ),
    )
    op.create_index(op.f("ix_answers_question_id"), "answers", ["question_id"], unique=False)

    touchpoints = sa.table(
        "touchpoints",
        sa.column("key", sa.String),
        sa.column("name", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        touchpoints,
        [
            {"key": key, "name": name, "position": i}
            for i, (key, name) in enumerate(SEED_TOUCHPOINTS)
        ],
    )


def downgrade() -> None:
    """Drop every table."""
    op.drop_index(op.f("ix_answers_question_id"), table_name="answers")
    op.drop_table("answers")
    op.drop_index(op.f("ix_responses_touchpoint_id_submitted_at"), table_name="responses")
    op.drop_index(op.f("ix_responses_survey_version_id"), table_name="responses")
    op.drop_index(op.f("ix_responses_submitted_at"), table_name="responses")
    op.drop_index(op.f("ix_responses_invitation_id"), table_name="responses")
    op.drop_index(op.f("ix_responses_customer_id"), table_name="responses")
    op.drop_index(op.f("ix_responses_channel_submitted_at"), table_name="responses")
    op.drop_index(op.f("ix_responses_account_id"), table_name="responses")
    op.drop_table("responses")
    op.drop_index(op.f("ix_support_cases_opened_at"), table_name="support_cases")
    op.drop_index(op.f("ix_support_cases_customer_id"), table_name="support_cases")
    op.drop_table("support_cases")
    op.drop_index(op.f("ix_referrals_referred_id"), table_name="referrals")
    op.drop_table("referrals")
    op.drop_table("questions")
    op.drop_index(op.f("ix_lifecycle_events_kind_at"), table_name="lifecycle_events")
    op.drop_table("lifecycle_events")
    op.drop_index(op.f("ix_invitations_survey_version_id_delivered_at"), table_name="invitations")
    op.drop_index(op.f("ix_invitations_customer_id"), table_name="invitations")
    op.drop_table("invitations")
    op.drop_index(op.f("ix_survey_versions_signature"), table_name="survey_versions")
    op.drop_table("survey_versions")
    op.drop_index(op.f("ix_customers_churned_at"), table_name="customers")
    op.drop_index(op.f("ix_customers_acquired_at"), table_name="customers")
    op.drop_index(op.f("ix_customers_account_id"), table_name="customers")
    op.drop_table("customers")
    op.drop_table("touchpoints")
    op.drop_table("surveys")
    op.drop_table("accounts")
