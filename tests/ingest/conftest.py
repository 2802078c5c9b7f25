"""Shared fixtures for the reader tests: no network, and a reader that sorts results."""

import socket

import pytest

from eventwire.errors import InputError
from eventwire.ingest import read_paths
from eventwire.models import Article


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Readers must work offline: any connection attempt fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a reader tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.fixture
def read():
    """``read(paths, **kw) -> (articles, errors)``."""

    def run(*paths, **kwargs):
        items = list(read_paths([str(p) for p in paths], **kwargs))
        arts = [i for i in items if isinstance(i, Article)]
        errs = [i for i in items if isinstance(i, InputError)]
        assert len(arts) + len(errs) == len(items)
        return arts, errs

    return run
