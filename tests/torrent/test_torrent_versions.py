"""D1: the Torrent Suite version the mock answers as (``--torrent-version 5.10|5.12``): Basic's realm and every
list's default order, each under both values; the default is 5.10, the seed data's era."""
from __future__ import annotations

import pytest
from torrent_support import API, A, assert_empty

from mockserver.app import create_app
from mockserver.cli import build_parser, serve_settings
from mockserver.config import Settings

SEEDED_MESSAGES = [23, 24, 25, 26, 27, 28]
# Each version: (its realm, the seeded message ids as its lists order them).
VERSIONS = {
    "5.10": ("Torrent Browser", SEEDED_MESSAGES),
    "5.12": ("Torrent Suite", SEEDED_MESSAGES[::-1]),
}


def client_for(**settings):
    return create_app(Settings(apis=("torrent",), **settings)).test_client()


def ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [obj["id"] for obj in response.get_json()["objects"]]


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_d1_the_realm_follows_the_version(version):
    response = client_for(torrent_version=version).get(f"{API}/message/")
    assert_empty(response, 401)
    assert response.headers["WWW-Authenticate"] == f'Basic Realm="{VERSIONS[version][0]}"'


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_d1_the_default_list_order_follows_the_version(version):
    client = client_for(torrent_version=version)
    expected = VERSIONS[version][1]
    assert ids(client.get(f"{API}/message/", headers=A)) == expected
    assert ids(client.get(f"{API}/message/?limit=2&offset=1", headers=A)) == expected[1:3]
    # order_by still decides; the version's order only applies without it.
    assert ids(client.get(f"{API}/message/?order_by=-id", headers=A)) == SEEDED_MESSAGES[::-1]
    assert ids(client.get(f"{API}/message/?order_by=id", headers=A)) == SEEDED_MESSAGES


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_d1_a_new_object_lists_where_the_version_puts_it(version):
    client = client_for(torrent_version=version)
    assert client.post(f"{API}/message/", json={"body": "new"}, headers=A).status_code == 201
    listed = ids(client.get(f"{API}/message/", headers=A))
    assert listed == (SEEDED_MESSAGES + [29] if version == "5.10" else [29] + SEEDED_MESSAGES[::-1])


def test_d1_the_default_version_is_5_10():
    client = client_for()
    assert client.get(f"{API}/message/").headers["WWW-Authenticate"] == 'Basic Realm="Torrent Browser"'
    assert ids(client.get(f"{API}/message/", headers=A)) == SEEDED_MESSAGES


def test_d1_a_configured_realm_wins_over_the_versions():
    client = client_for(torrent_version="5.12", torrent_realm="Lab Torrent")
    assert client.get(f"{API}/message/").headers["WWW-Authenticate"] == 'Basic Realm="Lab Torrent"'


@pytest.mark.parametrize("argv, version", [([], None), (["--torrent-version", "5.10"], "5.10"),
                                           (["--torrent-version", "5.12"], "5.12")])
def test_d1_torrent_version_option(argv, version):
    assert serve_settings(build_parser().parse_args(["serve", *argv])).torrent_version == version


def test_d1_an_unknown_torrent_version_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["serve", "--torrent-version", "5.14"])
    assert exit_.value.code == 2 and "5.10" in capsys.readouterr().err
