"""One settings object for every command; each setting says what it is for."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ARMSWATCH_", extra="ignore")

    database_url: str = Field(
        "sqlite:///armswatch.db",
        description="SQLAlchemy URL of the ledger database (SQLite by default; PostgreSQL works too).",
    )
    page_size: int = Field(25, description="Allegations per page on the dashboard and in the API.", ge=1, le=500)
    max_file_bytes: int = Field(
        10_000_000, description="Articles larger than this many bytes are refused by ingest.", ge=1
    )
    article_seconds: float = Field(
        60.0, description="Time budget (s) of ingest to read and extract one article (a page also gets its download "
                          "deadline); past it the worker is stopped and the article reported as failed.", gt=0,
    )
    worker_memory_mb: int = Field(
        1024, description="Memory (MB) an ingest worker may add to what it holds at start; an article needing more "
                          "is reported as failed.", ge=64,
    )
    fetch_seconds: float = Field(
        30.0, description="Deadline (s) of one HTTP fetch by ingest, from connecting to the last byte of the body.",
        gt=0,
    )
    allow_private_urls: bool = Field(
        False, description="Let ingest fetch links (from feeds, or redirects) that point at loopback, private or "
                           "link-local addresses; off by default because what is fetched becomes public.",
    )
    templates_dir: Path = Field(PROJECT_ROOT / "templates", description="Folder of the Jinja2 templates.")
    static_dir: Path = Field(PROJECT_ROOT / "static", description="Folder of static assets (css, vendored htmx).")
    migrations_dir: Path = Field(PROJECT_ROOT / "migrations", description="Folder of the Alembic migrations.")
    response_cache_mb: int = Field(
        32,
        description="Memory (MB) per server process for whole read pages, reused until the data changes; 0 turns it off.",
        ge=0,
    )
    request_concurrency: int = Field(
        2,
        description="Requests a server process computes at once (pages sent from the response cache do not count); "
                    "the rest wait their turn. Pages are CPU-bound, so more at once only add memory.",
        ge=1, le=64,
    )
    request_seconds: float = Field(
        10.0, description="Time budget (s) of the database work of one web request (of each batch of an export); "
                          "past it the request is answered 503.", gt=0,
    )
    base_url: str | None = Field(
        None, description="Public address of the dashboard (e.g. https://armswatch.example.org), used for the absolute "
                          "links of the CSV export and redirects; unset, they are relative. Never taken from a request.",
        pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
    )
    trusted_proxies: str = Field(
        "", description="Comma-separated addresses (or networks) of reverse proxies whose X-Forwarded-For/-Proto "
                        "headers `serve` believes; empty (the default) believes none.",
    )
    admin_token: str | None = Field(
        None, description="Bearer token required by any request that changes data; unset means none are allowed."
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
