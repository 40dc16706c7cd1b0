"""The module-scoped replica cluster (tests.replicas.cluster)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.replicas.cluster import Cluster, running_cluster


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Cluster]:
    async for running in running_cluster(tmp_path_factory):
        yield running
