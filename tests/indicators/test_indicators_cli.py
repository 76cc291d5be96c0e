from __future__ import annotations

import json

import numpy as np
import pandas as pd
from click.testing import CliRunner

from labline.cli import cli

TREE = {
    "code": "nqpf",
    "children": [
        {
            "code": "input",
            "weight": 0.5,
            "children": [
                {"code": "rd_intensity", "weight": 0.5},
                {"code": "rd_expenditure", "weight": 0.5},
            ],
        },
        {
            "code": "output",
            "weight": 0.5,
            "children": [
                {"code": "invention_applications", "weight": 0.5},
                {"code": "valid_invention_patents", "weight": 0.5},
            ],
        },
    ],
}


def _run(*args: str):
    result = CliRunner().invoke(cli, ["indicators", *args])
    assert result.exit_code == 0, result.output
    return result


def test_tfp_command_reproduces_pwt(extract_dir, tmp_path):
    source = pd.read_csv(extract_dir / "pwt1001_extract.csv")
    out = tmp_path / "tfp.csv"
    _run("tfp", "--input", str(extract_dir / "pwt1001_extract.csv"), "--format", "pwt",
         "--output", str(out), "--decomposition", str(tmp_path / "dec.csv"))  # fmt: skip
    dec = pd.read_csv(tmp_path / "dec.csv")
    parts = dec[["capital", "labour", "human_capital", "dln_tfp"]].sum(axis=1)
    assert np.allclose(parts, dec["dln_output"], atol=1e-9)
    result = pd.read_csv(out)
    assert list(result.columns) == ["country", "year", "tfp"]
    merged = result.merge(source, on=["country", "year"])
    assert len(merged) == 60
    assert np.abs(merged["tfp"] - merged["rtfpna"]).max() < 1e-6
    assert np.allclose(merged.loc[merged["year"] == 2017, "tfp"], 1.0)


def test_tfp_command_names_year_gap(extract_dir, tmp_path):
    frame = pd.read_csv(extract_dir / "pwt1001_extract.csv")
    frame = frame[~((frame["countrycode"] == "USA") & (frame["year"] == 2010))]
    frame.to_csv(tmp_path / "gap.csv", index=False)
    result = CliRunner().invoke(
        cli, ["indicators", "tfp", "--input", str(tmp_path / "gap.csv"), "--output", "x.csv"]
    )
    assert result.exit_code != 0
    assert "'United States of America'" in result.output and "2009 and 2011" in result.output


def test_entropy_topsis_and_index_commands(extract_dir, tmp_path):
    wide = pd.read_csv(extract_dir / "china_rd_2022.csv").assign(year=2022)
    wide.to_csv(tmp_path / "wide.csv", index=False)
    result = _run("entropy-topsis", "--input", str(tmp_path / "wide.csv"), "--layout", "wide",
                  "--output", str(tmp_path / "et.csv"))  # fmt: skip
    assert "rd_intensity" in result.output
    table = pd.read_csv(tmp_path / "et.csv")
    assert len(table) == 31 and table["closeness"].between(0, 1).all()
    (tmp_path / "tree.json").write_text(json.dumps(TREE))
    _run("index", "--input", str(tmp_path / "wide.csv"), "--layout", "wide", "--tree",
         str(tmp_path / "tree.json"), "--draws", "200", "--output", str(tmp_path / "idx.csv"),
         "--intervals", str(tmp_path / "int.csv"))  # fmt: skip
    scores = pd.read_csv(tmp_path / "idx.csv")
    intervals = pd.read_csv(tmp_path / "int.csv")
    assert {"nqpf", "input", "output", "rank"} <= set(scores.columns)
    assert len(intervals) == 31
    assert (intervals["rank_low"] <= intervals["rank_high"]).all()


def test_index_refuses_bad_weights(extract_dir, tmp_path):
    wide = pd.read_csv(extract_dir / "china_rd_2022.csv").assign(year=2022)
    wide.to_csv(tmp_path / "wide.csv", index=False)
    bad = json.loads(json.dumps(TREE))
    bad["children"][0]["weight"] = 0.7
    (tmp_path / "tree.json").write_text(json.dumps(bad))
    result = CliRunner().invoke(
        cli,
        ["indicators", "index", "--input", str(tmp_path / "wide.csv"), "--layout", "wide",
         "--tree", str(tmp_path / "tree.json"), "--output", str(tmp_path / "idx.csv")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "'nqpf' sum to 1.2" in result.output
