"""Document intelligence: collections, documents, paragraphs, copies, feeds, watches, inbox.

Revision ID: 0014_intel
Revises: 0001_core
Create Date: 2026-12-06 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_intel"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intel_collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_intel_collections_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_collections")),
        sa.UniqueConstraint("name", name=op.f("uq_intel_collections_name")),
    )
    op.create_index(
        op.f("ix_intel_collections_organisation_id"),
        "intel_collections",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "intel_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("doc_number", sa.String(length=100), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text_key", sa.String(length=64), nullable=False),
        sa.Column("title_key", sa.String(length=64), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collections.id"],
            name=op.f("fk_intel_documents_collection_id_intel_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_documents")),
        sa.UniqueConstraint("sha256", name=op.f("uq_intel_documents_sha256")),
    )
    op.create_index(
        op.f("ix_intel_documents_collection_id"), "intel_documents", ["collection_id"], unique=False
    )
    op.create_index(
        op.f("ix_intel_documents_doc_type"), "intel_documents", ["doc_type"], unique=False
    )
    op.create_index(
        op.f("ix_intel_documents_issued_on"), "intel_documents", ["issued_on"], unique=False
    )
    op.create_index(
        op.f("ix_intel_documents_language"), "intel_documents", ["language"], unique=False
    )
    op.create_index(op.f("ix_intel_documents_source"), "intel_documents", ["source"], unique=False)
    op.create_index(
        op.f("ix_intel_documents_text_key"), "intel_documents", ["text_key"], unique=False
    )
    op.create_index(
        op.f("ix_intel_documents_title_key"), "intel_documents", ["title_key"], unique=False
    )
    op.create_table(
        "intel_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collections.id"],
            name=op.f("fk_intel_feeds_collection_id_intel_collections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_feeds")),
        sa.UniqueConstraint("url", name=op.f("uq_intel_feeds_url")),
    )
    op.create_index(
        op.f("ix_intel_feeds_collection_id"), "intel_feeds", ["collection_id"], unique=False
    )
    op.create_table(
        "intel_watches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("query", sa.String(length=500), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_mailed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["collection_id"],
            ["intel_collections.id"],
            name=op.f("fk_intel_watches_collection_id_intel_collections"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_intel_watches_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_watches")),
    )
    op.create_index(
        op.f("ix_intel_watches_person_id"), "intel_watches", ["person_id"], unique=False
    )
    op.create_table(
        "intel_document_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["intel_documents.id"],
            name=op.f("fk_intel_document_copies_document_id_intel_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_document_copies")),
        sa.UniqueConstraint("sha256", name=op.f("uq_intel_document_copies_sha256")),
    )
    op.create_index(
        op.f("ix_intel_document_copies_document_id"),
        "intel_document_copies",
        ["document_id"],
        unique=False,
    )
    op.create_table(
        "intel_feed_polls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("polled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["feed_id"],
            ["intel_feeds.id"],
            name=op.f("fk_intel_feed_polls_feed_id_intel_feeds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_feed_polls")),
    )
    op.create_table(
        "intel_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["intel_documents.id"],
            name=op.f("fk_intel_inbox_document_id_intel_documents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_intel_inbox_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["watch_id"],
            ["intel_watches.id"],
            name=op.f("fk_intel_inbox_watch_id_intel_watches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_inbox")),
        sa.UniqueConstraint("watch_id", "document_id", name=op.f("uq_intel_inbox_watch_id")),
    )
    op.create_index(op.f("ix_intel_inbox_person_id"), "intel_inbox", ["person_id"], unique=False)
    op.create_table(
        "intel_paragraphs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["intel_documents.id"],
            name=op.f("fk_intel_paragraphs_document_id_intel_documents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intel_paragraphs")),
    )
    op.create_index(
        op.f("ix_intel_paragraphs_document_id"), "intel_paragraphs", ["document_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_intel_paragraphs_document_id"), table_name="intel_paragraphs")
    op.drop_table("intel_paragraphs")
    op.drop_index(op.f("ix_intel_inbox_person_id"), table_name="intel_inbox")
    op.drop_table("intel_inbox")
    op.drop_table("intel_feed_polls")
    op.drop_index(op.f("ix_intel_document_copies_document_id"), table_name="intel_document_copies")
    op.drop_table("intel_document_copies")
    op.drop_index(op.f("ix_intel_watches_person_id"), table_name="intel_watches")
    op.drop_table("intel_watches")
    op.drop_index(op.f("ix_intel_feeds_collection_id"), table_name="intel_feeds")
    op.drop_table("intel_feeds")
    op.drop_index(op.f("ix_intel_documents_title_key"), table_name="intel_documents")
    op.drop_index(op.f("ix_intel_documents_text_key"), table_name="intel_documents")
    op.drop_index(op.f("ix_intel_documents_source"), table_name="intel_documents")
    op.drop_index(op.f("ix_intel_documents_language"), table_name="intel_documents")
    op.drop_index(op.f("ix_intel_documents_issued_on"), table_name="intel_documents")
    op.drop_index(op.f("ix_intel_documents_doc_type"), table_name="intel_documents")
    op.drop_index(op.f("ix_intel_documents_collection_id"), table_name="intel_documents")
    op.drop_table("intel_documents")
    op.drop_index(op.f("ix_intel_collections_organisation_id"), table_name="intel_collections")
    op.drop_table("intel_collections")
