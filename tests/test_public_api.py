"""The package's public face: the names users import from ``mockserver``, one error root, the moved module."""
import subprocess
import sys

import pytest

import mockserver
from mockserver.admin_client import AdminError, MockHandle
from mockserver.config import Settings
from mockserver.errors import ApiError, Error, MockServerError, NotRunning
from mockserver.server import MockServer


def test_public_names_are_the_package_classes():
    assert mockserver.MockServer is MockServer
    assert mockserver.MockHandle is MockHandle
    assert mockserver.Settings is Settings
    assert mockserver.Error is Error
    assert mockserver.AdminError is AdminError
    assert sorted(mockserver.__all__) == sorted(
        ["__version__", "MockServer", "MockHandle", "AdminError", "Settings", "Error", "MockServerError"])


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        mockserver.Nope  # noqa: B018


@pytest.mark.parametrize("cls", [MockServerError, ApiError, AdminError, NotRunning])
def test_every_raised_exception_has_the_one_root(cls):
    assert issubclass(cls, Error)


def test_importing_the_package_loads_no_web_framework():
    # pytest imports the package for the plugin in every session of a user's repository.
    code = "import sys, mockserver; print(sorted(m for m in ('flask', 'werkzeug', 'tinydb') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_old_handle_module_still_imports_with_a_deprecation_warning():
    sys.modules.pop("mockserver.handle", None)
    with pytest.warns(DeprecationWarning, match="mockserver.handle is deprecated"):
        from mockserver.handle import MockHandle as Old
    assert Old is MockHandle


def test_a_server_not_started_says_so_under_the_root():
    server = MockServer(Settings(port=0))
    with pytest.raises(Error, match="call start"):
        server.url  # noqa: B018


def test_the_port_is_a_number_a_second_server_can_be_given():
    with MockServer(Settings(port=0)) as first:
        assert isinstance(first.port, int) and first.port > 0
        with pytest.raises(MockServerError, match=str(first.port)):
            MockServer(Settings(port=first.port)).start()


def test_routes_piped_into_a_short_reader_prints_no_traceback():
    pipeline = f"{sys.executable} -m mockserver routes | head -1"
    done = subprocess.run(["bash", "-c", pipeline], capture_output=True, text=True, check=True)
    assert done.stdout.startswith("torrent ") and done.stderr == ""
