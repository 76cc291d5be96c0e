"""`labline market teams` and `team`: research teams, and the teams ranked for a need."""

from __future__ import annotations

import json

import click

from labline.clitools import console, unit_of_work


@click.command("teams")
@click.option("--org", "organisation_id", type=int, default=None, help="One organisation's teams.")
@click.option("--query", "-q", default=None, help="Words in the teams' fields or titles.")
@click.option("--need", "need_id", type=int, default=None, help="Ranked teams for this need.")
@click.option("--as", "as_email", default=None, help="Whose view (e-mail); names need rights.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def teams(
    ctx: click.Context,
    organisation_id: int | None,
    query: str | None,
    need_id: int | None,
    as_email: str | None,
    as_json: bool,
) -> None:
    """Research teams (co-inventors of an organisation), or the teams ranked for a need."""
    from labline.market.profiles.service import matching as team_matching
    from labline.market.profiles.service import teams as profiles

    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        if need_id is not None:
            ranked = team_matching.suggest_teams_for_need(
                session, actor=actor, holder=ctx.find_root().obj, need_id=need_id
            )
            if as_json:
                out = [ts.__dict__ for ts in ranked]
                click.echo(json.dumps(out, ensure_ascii=False, indent=1))
                return
            for ts in ranked:
                click.echo(f"{ts.rank:>3}. [team {ts.team_id}] {ts.name_en}  {ts.score}")
                click.echo(f"      {ts.explanation}")
            console.print(f"{len(ranked)} teams")
            return
        rows, total = profiles.list_teams(
            session, actor=actor, organisation_id=organisation_id, q=query, limit=200
        )
        if as_json:
            click.echo(
                json.dumps(
                    [
                        {
                            "id": t.id,
                            "name_zh": t.name_zh,
                            "name_en": t.name_en,
                            "organisation_id": t.organisation.id,
                            "achievements": len(t.achievements),
                            "inventors": t.inventor_count,
                            "fields": t.fields,
                            "contracts": t.contracts,
                        }
                        for t in rows
                    ],
                    ensure_ascii=False,
                    indent=1,
                )
            )
            return
        for tv in rows:
            fields = ", ".join(f for f, _n in tv.fields[:2])
            click.echo(f"{tv.id:>6}  {len(tv.achievements):>3} ach  {tv.name_en}  [{fields}]")
    console.print(f"{total} teams")


@click.command("team")
@click.argument("team_id", type=int)
@click.option("--as", "as_email", default=None, help="Whose view (e-mail); names need rights.")
@click.pass_context
def team(ctx: click.Context, team_id: int, as_email: str | None) -> None:
    """One team: members you may see, achievements, fields, readiness, contracts."""
    from labline.market.profiles.service import teams as profiles

    with unit_of_work(ctx, as_email=as_email) as (session, actor):
        t = profiles.get_team(session, actor=actor, team_id=team_id)
        click.echo(f"team {t.id}: {t.name_zh} / {t.name_en}")
        members = ", ".join(m.name for m in t.members) or "-"
        click.echo(f"members: {members} ({t.hidden_members} not shown)")
        click.echo("fields: " + ", ".join(f"{f} ({n})" for f, n in t.fields))
        click.echo("readiness: " + " ".join(f"{k}:{v}" for k, v in t.readiness.items()))
        click.echo(f"contracts: {t.contracts}  deals: {sum(t.deals.values())}")
        for a in t.achievements:
            click.echo(f"  {a.id:>6}  {a.readiness}  {a.title}")


COMMANDS = (teams, team)
