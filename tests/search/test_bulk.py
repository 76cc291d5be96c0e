"""Bulk matching on a real local Dask cluster (two worker processes) and in-process."""

from __future__ import annotations

import pytest

from labline.search import Record, SearchIndex, save
from labline.search.bulk import match_all


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    ix = SearchIndex(use_dense=False)
    ix.add(
        [
            Record(f"a{i}", {"title": t})
            for i, t in enumerate(
                [
                    "perovskite solar cells",
                    "green hydrogen steel",
                    "lithium battery anodes",
                    "robot vision",
                ]
                * 5
            )
        ]
    )
    path = tmp_path_factory.mktemp("bulk") / "index"
    save(ix, path)
    return path


QUERIES = [
    ("n1", "perovskite cells"),
    ("n2", "hydrogen steel"),
    ("n3", "battery"),
    ("n4", "vision robot"),
]


def test_in_process(saved):
    rows = match_all(index_path=saved, queries=QUERIES, k=2)
    assert len(rows) == 8 and {r[0] for r in rows} == {"n1", "n2", "n3", "n4"}


def test_on_a_local_dask_cluster_matches_in_process(saved):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = match_all(index_path=saved, queries=QUERIES, k=2, client=client, partition=1)
    local = match_all(index_path=saved, queries=QUERIES, k=2)
    assert sorted(remote) == sorted(local)
