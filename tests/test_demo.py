"""`newsdesk demo` side by side: each demo's own data directory, a simulator port of its
own that it keeps, its admin password said again once the site is up."""

import socket
from http.server import BaseHTTPRequestHandler

import pytest
from django.core.management.base import CommandError
from loopback import serving

from newsdesk.management.commands.demo import admin_password, simulator_port, wait_for_site


def test_two_demos_get_two_free_simulator_ports_and_each_keeps_its_own(tmp_path):
    first, second = tmp_path / "demo-8100", tmp_path / "demo-8200"
    first.mkdir()
    second.mkdir()
    one = simulator_port(first, None)
    with socket.socket() as taken:  # the first demo's simulator is running
        taken.bind(("127.0.0.1", one))
        two = simulator_port(second, None)
    assert one != two
    assert simulator_port(first, None) == one  # its sources point there: kept
    assert (first / "simulator-port").read_text().strip() == str(one)


def test_a_kept_port_that_another_program_took_is_one_clear_error(tmp_path):
    kept = simulator_port(tmp_path, None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", kept))
        taken.listen()
        with pytest.raises(CommandError) as error:
            simulator_port(tmp_path, None)
    message = str(error.value)
    assert f"the simulator's port {kept}" in message and "is taken by another program" in message
    assert "--simulator-port" in message and str(tmp_path) in message
    assert error.value.returncode == 2


def test_the_demos_admin_password_is_made_once_private_and_said_again(tmp_path):
    password = admin_password(tmp_path)
    assert len(password) >= 16
    assert admin_password(tmp_path) == password
    assert (tmp_path / "admin-password").stat().st_mode & 0o077 == 0


class Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_site_counts_as_up_once_it_answers():
    with serving(Answer) as base:
        host, port = base.removeprefix("http://").split(":")
        assert wait_for_site(host, int(port), timeout=10)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        free = closed.getsockname()[1]
    assert not wait_for_site("127.0.0.1", free, timeout=1.5)
