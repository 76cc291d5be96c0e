"""`labline review attach|documents|letters|issue-letters`: proposal documents and
decision letters from the command line (the `review` group adds them)."""

from __future__ import annotations

from pathlib import Path

import click

from labline.clitools import console, settings_of, unit_of_work
from labline.review.documents import service as documents
from labline.review.documents.models import DocumentKind
from labline.review.letters import service as letters
from labline.review.letters.render import letter_document, letter_text


@click.command("attach")
@click.argument("proposal_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--kind",
    type=click.Choice([k.value for k in DocumentKind]),
    default=DocumentKind.other.value,
    show_default=True,
)
@click.option("--replaces", type=int, default=None, help="The document this is a new version of.")
@click.option("--as", "as_email", required=True, help="The applicant (e-mail).")
@click.pass_context
def attach(
    ctx: click.Context,
    proposal_id: int,
    file: Path,
    kind: str,
    replaces: int | None,
    as_email: str,
) -> None:
    """Add a document to a proposal while its call is open (PDF, DOCX, XLSX, PNG, JPEG, text)."""
    settings = settings_of(ctx)
    with unit_of_work(ctx, as_email=as_email) as (session, actor), file.open("rb") as fh:
        doc = documents.upload(
            session,
            actor=actor,
            proposal_id=proposal_id,
            kind=kind,
            name=file.name,
            stream=fh,
            data_dir=settings.data_dir,
            max_bytes=settings.document_max_bytes,
            replaces=replaces,
        )
        console.print(
            f"document {doc.id}: {doc.name} ({doc.kind.value}, {doc.size} bytes, sha256"
            f" {doc.sha256[:16]}…)"
        )


@click.command("documents")
@click.argument("proposal_id", type=int)
@click.option("--history", is_flag=True, help="Every version, not only the current ones.")
@click.pass_context
def list_documents(ctx: click.Context, proposal_id: int, history: bool) -> None:
    """A proposal's documents."""
    with unit_of_work(ctx) as (session, actor):
        for d in documents.list_documents(
            session, actor=actor, proposal_id=proposal_id, history=history
        ):
            old = f"  replaced by {d.replaced_by_id}" if d.replaced_by_id else ""
            click.echo(
                f"{d.id:>6}  {d.kind.value:<20} {d.size:>10}  {d.sha256[:12]}  {d.name}{old}"
            )


@click.command("letters")
@click.argument("call_id", type=int)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the letters (made if missing).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["html", "txt"]), default="html", show_default=True
)
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), default=None, help="Default: each applicant's."
)
@click.pass_context
def write_letters(ctx: click.Context, call_id: int, out: Path, fmt: str, lang: str | None) -> None:
    """Write one decision letter per decided proposal of the call."""
    with unit_of_work(ctx) as (session, actor):
        made = letters.letters_for_call(session, actor=actor, call_id=call_id, lang=lang)
    out.mkdir(parents=True, exist_ok=True)
    for letter in made:
        target = out / f"letter-{letter.call_code}-{letter.proposal_id}-{letter.language}.{fmt}"
        body = letter_document(letter) if fmt == "html" else letter_text(letter)
        target.write_text(body, encoding="utf-8")
    console.print(f"{len(made)} letters written to {out}")


@click.command("issue-letters")
@click.argument("call_id", type=int)
@click.pass_context
def issue(ctx: click.Context, call_id: int) -> None:
    """Issue the call's decision letters: applicants can read them from now (audited)."""
    with unit_of_work(ctx) as (session, actor):
        row = letters.issue_letters(session, actor=actor, call_id=call_id)
        console.print(f"{row.letters} letters issued for call {call_id}")


# The `review` group (review/cli.py) adds these.
COMMANDS = (attach, list_documents, write_letters, issue)
