"""The link walk makes what a link's source needs: a referenced object, rows of a derived resource, a key the
list does not show; with --read-only it writes nothing and says which links need a write."""
import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.harness import credentials as auth
from mockserver.harness.suite import Options, build
from mockserver.harness.target import InProcessTarget
from mockserver.harness.walk import Walker, contract_links

NEEDY = ("GET /ipaddresses/ -> [200] ipaddresses_retrieve -> GET /ipaddresses/{id}/",  # a datastore first
         "POST /ipaddresses/ -> [201] ipaddresses_destroy -> DELETE /ipaddresses/{id}/",
         "GET /jobstats/ -> [200] jobstats_history_retrieve -> GET /jobstats/{id}/history/",  # a workflow run
         "GET /tasks/ -> [200] tasks_files_list -> GET /tasks/{id}/files/",
         "GET /settingstasks/ -> [200] settingstasks_retrieve -> GET /settingstasks/{id}/",  # a settings sync
         "PATCH /pki/lifetime/{id}/ -> [200] pki_lifetime_retrieve -> GET /pki/lifetime/{id}/")  # listed sans id


def follow(labels, read_only=False):
    target = InProcessTarget(create_app(Settings(apis=("hub",))))
    suite = build("hub", target, auth.default_credentials("hub"), Options(read_only=read_only))
    links = {link.label: link for link in contract_links(suite)}
    walker = Walker(suite)
    return {label: walker.follow(links[label]) for label in labels if label in links}


def test_the_walk_makes_what_a_source_needs():
    for label, step in follow(NEEDY).items():
        assert step.error is None and step.skipped is None, (label, step.error or step.skipped)
        assert not [name for name, failure in step.results if failure is not None], label
        assert step.responses[0].status_code == int(label.split("[")[1][:3]), label


@pytest.mark.parametrize("label, reason", [
    (NEEDY[0], "--read-only: the walk creates no ipaddresses"),
    (NEEDY[2], "--read-only: the walk does not send POST /file/workflow/, which makes jobstats"),
    (NEEDY[4], "--read-only: the walk does not send POST /settings/sync/, which makes settingstasks"),
])
def test_read_only_writes_nothing_and_says_why_a_link_stays_unfollowed(label, reason):
    step = follow([label], read_only=True)[label]
    assert step.skipped is not None and reason in step.skipped
