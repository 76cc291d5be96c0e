"""The intel module's record: its routers, commands, tables and demo step."""

from __future__ import annotations

from labline.intel import cli
from labline.intel.documents import models as document_models
from labline.intel.watches import models as watch_models
from labline.modules import Module

MODULE = Module(
    name="intel",
    routers=(),
    commands=(cli.intel,),
    models=(document_models, watch_models),
)
