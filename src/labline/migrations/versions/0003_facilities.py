"""facilities: catalogue, bookings, usage, invoices, beamtime

PostgreSQL gets an exclusion constraint against overlapping bookings; both databases
get triggers that keep the usage log append-only.

Revision ID: 0003_facilities
Revises: 0001_core
Create Date: 2026-11-23 09:04:40.716648
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_facilities"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["organisations.id"],
            name=op.f("fk_facilities_operator_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilities")),
        sa.UniqueConstraint("code", name=op.f("uq_facilities_code")),
    )
    op.create_table(
        "qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_on", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["people.id"],
            name=op.f("fk_qualifications_granted_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_qualifications_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifications")),
        sa.UniqueConstraint("person_id", "code", name=op.f("uq_qualifications_person_id")),
    )
    op.create_table(
        "beamtime_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shift_hours", sa.Integer(), nullable=False),
        sa.Column("changeover_shifts", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "reviewing",
                "scheduled",
                "published",
                name="cycle_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("instrument_ids", sa.String(length=500), nullable=False),
        sa.Column("solve_report", sa.Text(), nullable=False),
        sa.Column("review_call_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_beamtime_cycles_cycle_order")),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_beamtime_cycles_facility_id_facilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beamtime_cycles")),
        sa.UniqueConstraint("code", name=op.f("uq_beamtime_cycles_code")),
    )
    op.create_table(
        "facility_invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("period_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_facility_invoices_facility_id_facilities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["people.id"],
            name=op.f("fk_facility_invoices_issued_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_facility_invoices_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_facility_invoices_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_facility_invoices_number")),
    )
    op.create_table(
        "instruments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("facility_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("capabilities", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("photo_url", sa.String(length=300), nullable=True),
        sa.Column(
            "rate_unit",
            sa.Enum("hour", "sample", name="rate_unit", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("rate_internal", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("rate_external", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("min_minutes", sa.Integer(), nullable=False),
        sa.Column("max_minutes", sa.Integer(), nullable=False),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        sa.Column("setup_minutes", sa.Integer(), nullable=False),
        sa.Column("cleanup_minutes", sa.Integer(), nullable=False),
        sa.Column("opens_minute", sa.Integer(), nullable=False),
        sa.Column("closes_minute", sa.Integer(), nullable=False),
        sa.Column("open_weekdays", sa.String(length=7), nullable=False),
        sa.Column("requires_approval", sa.Boolean(), nullable=False),
        sa.Column("qualification_code", sa.String(length=40), nullable=True),
        sa.Column("late_cancel_hours", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "min_minutes > 0 AND max_minutes >= min_minutes", name=op.f("ck_instruments_lengths")
        ),
        sa.CheckConstraint(
            "opens_minute >= 0 AND closes_minute <= 1440 AND opens_minute < closes_minute",
            name=op.f("ck_instruments_opening_hours"),
        ),
        sa.CheckConstraint(
            "rate_internal >= 0 AND rate_external >= 0",
            name=op.f("ck_instruments_rates_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["facility_id"],
            ["facilities.id"],
            name=op.f("fk_instruments_facility_id_facilities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instruments")),
        sa.UniqueConstraint("code", name=op.f("uq_instruments_code")),
    )
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.create_index("ix_instruments_facility", ["facility_id"], unique=False)

    op.create_table(
        "beamtime_proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("abstract", sa.Text(), nullable=False),
        sa.Column("shifts_requested", sa.Integer(), nullable=False),
        sa.Column("setup", sa.String(length=60), nullable=False),
        sa.Column("unavailable_dates", sa.Text(), nullable=False),
        sa.Column("local_contact_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Numeric(precision=8, scale=3), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("shifts_awarded", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("review_proposal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "shifts_requested > 0", name=op.f("ck_beamtime_proposals_shifts_positive")
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["beamtime_cycles.id"],
            name=op.f("fk_beamtime_proposals_cycle_id_beamtime_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_beamtime_proposals_instrument_id_instruments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["local_contact_id"],
            ["people.id"],
            name=op.f("fk_beamtime_proposals_local_contact_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_beamtime_proposals_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_beamtime_proposals_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beamtime_proposals")),
    )
    with op.batch_alter_table("beamtime_proposals", schema=None) as batch_op:
        batch_op.create_index(
            "ix_beamtime_proposals_cycle", ["cycle_id", "instrument_id"], unique=False
        )

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("block_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("block_end", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "confirmed",
                "rejected",
                "cancelled",
                "late_cancelled",
                "completed",
                "no_show",
                name="booking_status",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decision_note", sa.String(length=500), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("beamtime_slot_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "block_start <= starts_at AND block_end >= ends_at",
            name=op.f("ck_bookings_block_covers_booking"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_bookings_booking_order")),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["people.id"],
            name=op.f("fk_bookings_decided_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_bookings_instrument_id_instruments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_bookings_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_bookings_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bookings_instrument_block",
            ["instrument_id", "block_start", "block_end"],
            unique=False,
        )
        batch_op.create_index("ix_bookings_person", ["person_id", "starts_at"], unique=False)

    op.create_table(
        "instrument_closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("maintenance", "shutdown", name="closure_kind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_at > starts_at", name=op.f("ck_instrument_closures_closure_order")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_instrument_closures_instrument_id_instruments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_closures")),
    )
    with op.batch_alter_table("instrument_closures", schema=None) as batch_op:
        batch_op.create_index(
            "ix_instrument_closures_instrument", ["instrument_id", "starts_at"], unique=False
        )

    op.create_table(
        "beamtime_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("start_shift", sa.Integer(), nullable=False),
        sa.Column("end_shift", sa.Integer(), nullable=False),
        sa.Column("edited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("end_shift > start_shift", name=op.f("ck_beamtime_slots_slot_order")),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["beamtime_cycles.id"],
            name=op.f("fk_beamtime_slots_cycle_id_beamtime_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["edited_by_id"],
            ["people.id"],
            name=op.f("fk_beamtime_slots_edited_by_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_beamtime_slots_instrument_id_instruments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["beamtime_proposals.id"],
            name=op.f("fk_beamtime_slots_proposal_id_beamtime_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_beamtime_slots")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_beamtime_slots_proposal_id")),
    )
    op.create_table(
        "booking_waitlist",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_waitlist_booking_id_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_booking_waitlist_instrument_id_instruments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_booking_waitlist_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_booking_waitlist_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_waitlist")),
    )
    with op.batch_alter_table("booking_waitlist", schema=None) as batch_op:
        batch_op.create_index(
            "ix_booking_waitlist_instrument", ["instrument_id", "status"], unique=False
        )

    op.create_table(
        "usage_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hours", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("external", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ended_at > started_at", name=op.f("ck_usage_records_usage_order")),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_usage_records_booking_id_bookings"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["usage_records.id"],
            name=op.f("fk_usage_records_corrects_id_usage_records"),
        ),
        sa.ForeignKeyConstraint(
            ["instrument_id"],
            ["instruments.id"],
            name=op.f("fk_usage_records_instrument_id_instruments"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_usage_records_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_usage_records_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["people.id"], name=op.f("fk_usage_records_recorded_by_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_usage_records")),
    )
    with op.batch_alter_table("usage_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_usage_records_instrument", ["instrument_id", "started_at"], unique=False
        )
        batch_op.create_index(
            "ix_usage_records_org", ["organisation_id", "started_at"], unique=False
        )

    op.create_table(
        "facility_invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("usage_record_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("rate", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["facility_invoices.id"],
            name=op.f("fk_facility_invoice_lines_invoice_id_facility_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["usage_record_id"],
            ["usage_records.id"],
            name=op.f("fk_facility_invoice_lines_usage_record_id_usage_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_invoice_lines")),
        sa.UniqueConstraint(
            "usage_record_id", name=op.f("uq_facility_invoice_lines_usage_record_id")
        ),
    )
    _guard_bookings_and_usage()


# Why a database constraint: two requests checking for overlaps at the same moment both
# see a free slot; only the database sees both inserts. The block is the booking widened
# by set-up and clean-up buffers; only pending and confirmed bookings hold the instrument.
PG_EXCLUSION = """
ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap
EXCLUDE USING gist (
    instrument_id WITH =,
    tstzrange(block_start, block_end, '[)') WITH &&
) WHERE (status IN ('pending', 'confirmed'))
"""

# The usage log is append-only on both databases: corrections are new records.
PG_USAGE_GUARD = [
    """CREATE OR REPLACE FUNCTION labline_usage_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'usage_records is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER usage_records_append_only BEFORE UPDATE OR DELETE ON usage_records
    FOR EACH ROW EXECUTE FUNCTION labline_usage_append_only()""",
]
SQLITE_USAGE_GUARD = [
    """CREATE TRIGGER usage_records_no_update BEFORE UPDATE ON usage_records
    BEGIN SELECT RAISE(ABORT, 'usage_records is append-only'); END""",
    """CREATE TRIGGER usage_records_no_delete BEFORE DELETE ON usage_records
    BEGIN SELECT RAISE(ABORT, 'usage_records is append-only'); END""",
]


def _guard_bookings_and_usage() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(PG_EXCLUSION)
        for statement in PG_USAGE_GUARD:
            op.execute(statement)
    elif dialect == "sqlite":
        for statement in SQLITE_USAGE_GUARD:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS usage_records_append_only ON usage_records")
        op.execute("DROP FUNCTION IF EXISTS labline_usage_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS usage_records_no_update")
        op.execute("DROP TRIGGER IF EXISTS usage_records_no_delete")
    op.drop_table("facility_invoice_lines")
    with op.batch_alter_table("usage_records", schema=None) as batch_op:
        batch_op.drop_index("ix_usage_records_org")
        batch_op.drop_index("ix_usage_records_instrument")

    op.drop_table("usage_records")
    with op.batch_alter_table("booking_waitlist", schema=None) as batch_op:
        batch_op.drop_index("ix_booking_waitlist_instrument")

    op.drop_table("booking_waitlist")
    op.drop_table("beamtime_slots")
    with op.batch_alter_table("instrument_closures", schema=None) as batch_op:
        batch_op.drop_index("ix_instrument_closures_instrument")

    op.drop_table("instrument_closures")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_person")
        batch_op.drop_index("ix_bookings_instrument_block")

    op.drop_table("bookings")
    with op.batch_alter_table("beamtime_proposals", schema=None) as batch_op:
        batch_op.drop_index("ix_beamtime_proposals_cycle")

    op.drop_table("beamtime_proposals")
    with op.batch_alter_table("instruments", schema=None) as batch_op:
        batch_op.drop_index("ix_instruments_facility")

    op.drop_table("instruments")
    op.drop_table("facility_invoices")
    op.drop_table("beamtime_cycles")
    op.drop_table("qualifications")
    op.drop_table("facilities")
