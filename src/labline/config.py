"""Typed settings from LABLINE_* environment variables and an optional TOML file.

Precedence: explicit arguments > environment > file named by LABLINE_CONFIG_FILE > defaults.
Outside development and test, a default or short secret key is refused at start-up.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

DEV_SECRET = "labline-development-secret-do-not-use-in-production"
DEFAULT_REQUEST_SLOTS = 8
Environment = Literal["development", "test", "production"]


class UnsafeSettings(ValueError):
    """Settings that would be dangerous in the chosen environment."""


class _TomlFileSource(PydanticBaseSettingsSource):
    """Reads the file named by LABLINE_CONFIG_FILE, if any (keys without the prefix)."""

    def __init__(self, settings_cls: type[BaseSettings], path: str | None) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path:
            file = Path(path)
            if not file.is_file():
                raise UnsafeSettings(f"LABLINE_CONFIG_FILE: no such file: {file}")
            self._data = tomllib.loads(file.read_text(encoding="utf-8"))

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LABLINE_", extra="ignore")

    env: Environment = "development"
    data_dir: Path = Field(default=Path("data"), description="Folder for the database and indexes")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: SQLite file labline.db in data_dir"
    )
    secret_key: str = DEV_SECRET
    # Keys the audit chain's hashes (HMAC); kept outside the database, so that whoever can
    # write the database cannot recompute the chain. Unset outside production: a random key
    # in data_dir/audit.key (mode 0600), made at first use.
    audit_key: str | None = None
    config_file: str | None = None
    default_locale: Literal["en", "zh"] = "en"
    # The clock times are shown on (outside facilities, which keep their own) for a person
    # who has not chosen one on their account: an IANA name.
    time_zone: str = "Asia/Shanghai"
    session_max_age_s: int = Field(default=14 * 24 * 3600, gt=0)
    sign_in_max_failures: int = Field(default=5, gt=0)
    sign_in_window_s: int = Field(default=15 * 60, gt=0)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Proposal documents (review): the largest file accepted, stored under data_dir.
    document_max_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    base_url: str = "http://127.0.0.1:8000"
    # Database connections of one server process (requests, plus room for commands).
    db_pool_size: int = Field(default=20, ge=1, le=500)
    # Requests served at once by one server process, each with one pooled connection; more
    # wait their turn, up to 10 s (see labline.web.deps.Admission). The work is mostly
    # Python on the CPU: more at once only makes each slower (default: 8, or the pool).
    request_slots: int | None = Field(default=None, ge=1, le=500)
    # Outgoing mail: without smtp_host messages wait in the outbox (nothing is lost).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    mail_from: str = "labline <noreply@labline.invalid>"
    # Sentence encoder of the app's live indexes: "use" (USE v3 alone, the default) or
    # "use+e5" (the search library's default pair: better on the public retrieval sets,
    # about 4x the encoding time, so a first build of a large market takes minutes).
    search_encoder: Literal["use", "use+e5"] = "use"
    # Optional: an OpenAI-compatible chat server (llama.cpp, vLLM, Ollama), e.g.
    # http://127.0.0.1:8080/v1, for intel's abstractive digests beside the extractive ones.
    # Unset: no such digest is offered and nothing is contacted.
    llm_url: str | None = None
    llm_model: str = "default"
    llm_api_key: str | None = None
    llm_timeout_s: float = Field(default=120.0, gt=0)
    # Background jobs (encoding records for the indexes): "sqlite" (Huey with its queue in
    # data_dir/jobs.db, the default), a redis:// URL (Huey on Redis, for several hosts), or
    # "inline" (run in the calling process: tests and one-off commands).
    jobs: str = Field(default="sqlite", pattern=r"^(sqlite|inline|rediss?://\S+)$")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        import os

        toml = _TomlFileSource(settings_cls, os.environ.get("LABLINE_CONFIG_FILE"))
        return (init_settings, env_settings, toml)

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("sqlite", "postgresql")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        return v

    @field_validator("time_zone")
    @classmethod
    def _iana_zone(cls, v: str) -> str:
        from labline.zones import is_zone

        if not is_zone(v):
            raise ValueError("time_zone must be an IANA time zone name such as Asia/Shanghai")
        return v

    @field_validator("llm_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("llm_url must be an http:// or https:// URL")
        return v or None

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if self.env == "production":
            if self.secret_key == DEV_SECRET or len(self.secret_key) < 32:
                raise UnsafeSettings(
                    "LABLINE_SECRET_KEY must be set to a random value of at least 32 characters"
                    " when LABLINE_ENV=production"
                )
            if not self.audit_key or len(self.audit_key) < 32 or self.audit_key == self.secret_key:
                raise UnsafeSettings(
                    "LABLINE_AUDIT_KEY must be set to a random value of at least 32 characters,"
                    " other than LABLINE_SECRET_KEY, when LABLINE_ENV=production"
                )
            if self.smtp_host and self.smtp_password and self.smtp_security == "none":
                raise UnsafeSettings(
                    "LABLINE_SMTP_SECURITY must be starttls or tls when a mail password is set"
                    " and LABLINE_ENV=production"
                )
            if not self.base_url.startswith("https://"):
                raise UnsafeSettings(
                    "LABLINE_BASE_URL must be https:// when LABLINE_ENV=production"
                )
        return self

    @property
    def admitted_requests(self) -> int:
        return min(self.request_slots or DEFAULT_REQUEST_SLOTS, self.db_pool_size)

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'labline.db').resolve()}"

    @property
    def is_production(self) -> bool:
        return self.env == "production"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
