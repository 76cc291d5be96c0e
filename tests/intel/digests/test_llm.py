"""The optional language-model digest against a real HTTP server speaking the OpenAI
chat-completions shape, started in the test on 127.0.0.1: supported points are kept with
their citations, a hallucinated one is dropped and counted; without LABLINE_LLM_URL nothing
is offered or contacted."""

from __future__ import annotations

import pytest

from labline.config import Settings
from labline.core.access import command_line_actor
from labline.errors import Conflict, Unavailable
from labline.intel.digests import llm
from labline.intel.digests.service import llm_digest
from tests.intel.digests.conftest import Model

CLI = command_line_actor("test")


def test_supported_points_kept_hallucinated_dropped(db, settings, model_url, doc_id):
    configured = settings.model_copy(update={"llm_url": model_url, "llm_model": "tiny"})
    found = llm_digest(db, actor=CLI, settings=configured, document_id=doc_id)
    assert found.core_viewpoint is not None and found.core_viewpoint.citations == [2]
    points = [p for g in found.groups for p in g.points]
    assert [p.citations for p in points] == [[3], [4]]
    assert found.kept == 3 and found.dropped == 3
    reasons = [(d.reason, d.detail) for d in found.dropped_points]
    assert reasons[0] == ("numbers", "50") and reasons[2] == ("missing_paragraph", "40")
    assert reasons[1][0] == "unsupported" and float(reasons[1][1]) < 0.5
    sent = Model.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["model"] == "tiny"
    prompt = sent["body"]["messages"][1]["content"]
    assert "[3] 到2028年" in prompt and "Chinese" in sent["body"]["messages"][0]["content"]


def test_unusable_answers_are_a_clear_error(db, settings, model_url, doc_id, monkeypatch):
    configured = settings.model_copy(update={"llm_url": model_url})
    monkeypatch.setattr(Model, "content", "I cannot help with that.")
    with pytest.raises(Unavailable):
        llm_digest(db, actor=CLI, settings=configured, document_id=doc_id)
    gone = settings.model_copy(update={"llm_url": "http://127.0.0.1:9/v1", "llm_timeout_s": 2})
    with pytest.raises(Unavailable):
        llm_digest(db, actor=CLI, settings=gone, document_id=doc_id)


def test_without_the_setting_nothing_is_offered(db, settings, doc_id):
    assert settings.llm_url is None and not llm.enabled(settings)
    with pytest.raises(Conflict):
        llm_digest(db, actor=CLI, settings=settings, document_id=doc_id)


def test_settings_refuse_a_url_that_is_not_http():
    with pytest.raises(ValueError, match="llm_url"):
        Settings(env="test", llm_url="file:///etc/passwd")


def test_prompt_and_parse():
    assert llm._endpoint("http://h:1/v1/") == "http://h:1/v1/chat/completions"
    assert llm._endpoint("http://h:1/v1/chat/completions") == "http://h:1/v1/chat/completions"
    assert llm.parse('Here: {"groups": []} done') == {"groups": []}
    with pytest.raises(Unavailable):
        llm.parse("[1, 2]")
