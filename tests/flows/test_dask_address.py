"""The refresh's Dask cluster: an existing one by its scheduler's address, else a local one (the published figures
on a cluster reached by its address: tests/flows/test_refresh_flow.py::test_a_refresh_on_dask_publishes_the_same)."""

from __future__ import annotations

import inspect

import pytest
import yaml

from tests.flows.test_refresh_flow import REPO

pytestmark = [pytest.mark.flow]


def test_an_address_reaches_an_existing_cluster_and_none_starts_a_local_one() -> None:
    """Given a scheduler's address, then the task runner connects to it and starts no cluster of its own; given
    none, then it starts a local cluster of that many single-threaded worker processes."""
    from flows.refresh import dask_runner

    remote = dask_runner(2, "tcp://10.0.0.5:8786")
    assert remote.address == "tcp://10.0.0.5:8786" and not remote.cluster_kwargs
    local = dask_runner(2)
    assert local.address is None
    assert local.cluster_kwargs == {"n_workers": 2, "threads_per_worker": 1, "processes": True,
                                    "dashboard_address": None, "memory_limit": "auto"}  # JSNA_DASK_WORKER_MEMORY


def test_the_cli_and_the_deployment_take_the_address() -> None:
    """Given `jsna refresh` and prefect.yaml's deployment, then both take the address, passed to the flow under the
    flow's own parameter name, with no address (a local cluster, or none) by default."""
    from flows.refresh import refresh
    from jsna.cli import refresh as refresh_command

    assert "dask_address" in inspect.signature(refresh.fn).parameters
    assert inspect.signature(refresh_command).parameters["dask_address"].default is None
    deployment = yaml.safe_load((REPO / "prefect.yaml").read_text())["deployments"][0]
    assert "dask_address" in deployment["parameters"] and deployment["parameters"]["dask_address"] is None
