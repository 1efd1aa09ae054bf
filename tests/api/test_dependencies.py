"""Redis and PostgreSQL for real: shared limits, shared cache, and what happens when they stop.

The servers at 127.0.0.1:6379 and :5432 are reached directly or through a loopback TCP proxy
that the test stops, to play a dependency going down while the service runs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from apikit import FakeReader, TcpProxy, client_for, png_bytes, settings

from ktp_ocr.api.app import create_app

pytestmark = pytest.mark.anyio

REDIS_URL = "redis://127.0.0.1:6379/0"
PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"
PHOTO = {"image": ("card.png", png_bytes(), "image/png")}
CLIENT = ("198.51.100.20", 4000)


def _factory(regions: Any, settings_: Any = None) -> FakeReader:
    return FakeReader(regions)


@pytest.fixture(scope="module")
def pg_schema() -> Iterator[str]:
    """A throwaway PostgreSQL schema loaded with the region data, dropped afterwards."""
    import psycopg

    from ktp_ocr.regions.loader import init_db

    schema = f"ktp_api_{uuid.uuid4().hex[:10]}"
    init_db("postgresql+psycopg://postgres@127.0.0.1:5432/test", schema=schema)
    yield schema
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _pg_url(port: int, schema: str) -> str:
    return (
        f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
        f"?connect_timeout=2&options=-csearch_path%3D{schema}"
    )


def _app(**overrides: Any) -> Any:
    return create_app(settings(**overrides), reader_factory=lambda s, r: FakeReader(r))


@pytest.mark.redis
async def test_two_workers_share_the_limit_through_redis(redis_prefix: str) -> None:
    s = {"rate_limit": "1/14 seconds", "redis_url": REDIS_URL, "redis_prefix": redis_prefix}
    one, two = (
        create_app(settings(**s), reader=FakeReader()),
        create_app(settings(**s), reader=FakeReader()),
    )
    async with client_for(one, client=CLIENT) as a, client_for(two, client=CLIENT) as b:
        first = await a.post("/ocr-ktp", files=PHOTO)
        second = await b.post("/ocr-ktp", files=PHOTO)
        health = await b.get("/health")
    assert (first.status_code, second.status_code) == (200, 429)
    assert 13 <= int(second.headers["Retry-After"]) <= 14
    assert health.status_code == 200 and health.json()["redis"]["status"] == "ok"


@pytest.mark.redis
async def test_result_cache_in_redis_is_shared_and_holds_no_image(redis_prefix: str) -> None:
    import redis

    s = {"cache_ttl_seconds": 60, "redis_url": REDIS_URL, "redis_prefix": redis_prefix}
    one, two = FakeReader(), FakeReader()
    async with (
        client_for(create_app(settings(**s), reader=one)) as a,
        client_for(create_app(settings(**s), reader=two)) as b,
    ):
        first = (await a.post("/ocr-ktp", files=PHOTO)).json()
        second = (await b.post("/ocr-ktp", files=PHOTO)).json()
    assert (first["cached"], second["cached"], one.calls, two.calls) == (False, True, 1, 0)
    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{redis_prefix}:result:*"))
        assert len(keys) == 1
        assert 0 < client.ttl(keys[0]) <= 60
        stored = json.loads(client.get(keys[0]))  # type: ignore[arg-type]
    finally:
        client.close()
    assert stored.get("card_image") is None and "dataOcrKtp" in stored


@pytest.mark.redis
async def test_unreachable_redis_is_reported_and_cards_are_still_read(redis_prefix: str) -> None:
    app = create_app(
        settings(
            rate_limit="1/14 seconds", redis_url="redis://127.0.0.1:1/0", cache_ttl_seconds=60
        ),
        reader=FakeReader(),
    )
    async with client_for(app, client=CLIENT) as client:
        health = await client.get("/health")
        read = await client.post("/ocr-ktp", files=PHOTO)
        again = await client.post("/ocr-ktp", files=PHOTO)
    assert health.status_code == 503
    body = health.json()
    assert (body["status"], body["redis"]["status"], body["engine"]["status"]) == (
        "degraded", "down", "ok",
    )  # fmt: skip
    assert read.status_code == 200
    assert again.status_code == 429  # limited per worker while Redis is down


@pytest.mark.redis
async def test_redis_stopping_while_running(
    redis_prefix: str, tcp_proxy: Callable[..., TcpProxy]
) -> None:
    proxy = tcp_proxy(6379)
    url = f"redis://127.0.0.1:{proxy.port}/0"
    app = create_app(
        settings(rate_limit="5/minute", redis_url=url, redis_prefix=redis_prefix),
        reader=FakeReader(),
    )
    async with client_for(app, client=CLIENT) as client:
        before = await client.get("/health")
        assert (await client.post("/ocr-ktp", files=PHOTO)).status_code == 200
        proxy.stop()
        after = await client.get("/health")
        read = await client.post("/ocr-ktp", files=PHOTO)
    assert before.status_code == 200
    assert after.status_code == 503 and after.json()["redis"]["status"] == "down"
    assert read.status_code == 200


@pytest.mark.postgres
async def test_postgres_up_gives_region_names(
    pg_schema: str, tcp_proxy: Callable[..., TcpProxy]
) -> None:
    app = _app(database_url=_pg_url(5432, pg_schema))
    async with client_for(app) as client:
        health = await client.get("/health")
        body = (await client.post("/ocr-ktp", files=PHOTO)).json()
    assert health.status_code == 200 and health.json()["database"]["status"] == "ok"
    assert body["dataNikParser"]["city"] == "KOTA BANDUNG"
    assert body["lookup_ids"]["religion"] == 1
    assert body["degraded"] == []


@pytest.mark.postgres
async def test_unreachable_database_at_start_up() -> None:
    app = _app(database_url="postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2")
    async with client_for(app) as client:
        health = await client.get("/health")
        read = await client.post("/ocr-ktp", files=PHOTO)
    assert health.status_code == 503
    assert health.json()["database"]["status"] == "down"
    assert "127.0.0.1" not in health.text  # no connection details in a public answer
    body = read.json()
    assert read.status_code == 200
    assert body["degraded"] == ["database"]
    assert body["dataOcrKtp"]["nik"] == "3273015205900001"
    assert body["dataNikParser"]["gender"] == "PEREMPUAN"  # the NIK's own facts still work
    assert body["dataNikParser"]["city"] is None


@pytest.mark.postgres
async def test_database_stopping_and_coming_back(
    pg_schema: str, tcp_proxy: Callable[..., TcpProxy]
) -> None:
    proxy = tcp_proxy(5432)
    app = _app(database_url=_pg_url(proxy.port, pg_schema), db_retry_seconds=0.01)
    async with client_for(app) as client:
        assert (await client.get("/health")).status_code == 200
        proxy.stop()
        down = await client.get("/health")
        read = await client.post("/ocr-ktp", files=PHOTO)
        assert down.status_code == 503 and down.json()["database"]["status"] == "down"
        assert read.status_code == 200 and read.json()["degraded"] == ["database"]
        tcp_proxy(5432, proxy.port)  # the database is back on the same address
        back = await client.get("/health")
        read = await client.post("/ocr-ktp", files=PHOTO)
    assert back.status_code == 200
    assert read.json()["degraded"] == []
    assert read.json()["dataNikParser"]["city"] == "KOTA BANDUNG"
