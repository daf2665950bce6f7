"""scripts/dev.py, the README's two commands: what ``serve`` and ``test`` are asked to do, the
usage on a bad argument, and the steps ``serve`` runs (without a venv or a server)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "dev.py"


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("dev_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("argv", "host", "port", "url"),
    [
        (["serve"], "127.0.0.1", 8000, "http://127.0.0.1:8000"),
        (["serve", "8101"], "127.0.0.1", 8101, "http://127.0.0.1:8101"),
        (["serve", "0.0.0.0:8101"], "0.0.0.0", 8101, "http://127.0.0.1:8101"),
        (["serve", "localhost:9000"], "localhost", 9000, "http://localhost:9000"),
        (["serve", "[::1]:8101"], "[::1]", 8101, "http://[::1]:8101"),
        (["serve", "[::]:8101"], "[::]", 8101, "http://[::1]:8101"),
    ],
)
def test_serve_listens_where_it_is_told(dev, argv, host, port, url):
    invocation = dev.parse_args(argv)
    assert invocation.command == "serve"
    assert (invocation.address.host, invocation.address.port) == (host, port)
    assert invocation.address.runserver_arg == f"{host}:{port}"
    assert invocation.address.url == url


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        ("abc", "is not a port"),
        ("0", "is not a port"),
        ("65536", "is not a port"),
        ("８１０１", "is not a port"),  # full-width digits: isdigit() says yes, runserver says no
        ("-5", "is not a port"),
        ("0.0.0.0:", "No port given"),
        (":8101", "is not an address"),
        ("999.1.1.1:8101", "is not an address"),
        ("my host:8101", "is not an address"),
        ("[zz]:8101", "is not an IPv6 address"),
        ("0.0.0.0:http", "is not a port"),
    ],
)
def test_a_bad_address_is_refused_with_the_reason(dev, argument, message):
    with pytest.raises(dev.UsageError, match=message):
        dev.parse_args(["serve", argument])


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["serve", "8101", "8102"], "at most one argument"), (["run"], "Unknown command")],
)
def test_a_bad_command_line_is_refused(dev, argv, message):
    with pytest.raises(dev.UsageError, match=message):
        dev.parse_args(argv)


@pytest.mark.parametrize("argv", [[], ["--help"], ["-h"], ["help"], ["serve", "--help"]])
def test_no_arguments_or_help_prints_the_usage(dev, capsys, argv):
    dev.main(argv)
    out = capsys.readouterr().out
    assert "python3 scripts/dev.py serve [PORT | ADDRESS:PORT]" in out
    assert "python3 scripts/dev.py test" in out


def test_a_bad_argument_exits_with_the_error_and_the_usage(dev, capsys, monkeypatch):
    monkeypatch.setattr(dev, "serve", lambda address: pytest.fail("serve ran"))
    with pytest.raises(SystemExit) as exit_:
        dev.main(["serve", "80800"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("dev.py: “80800” is not a port")
    assert "serve [PORT | ADDRESS:PORT]" in err


def test_test_passes_everything_else_to_pytest(dev):
    invocation = dev.parse_args(["test", "-k", "admin", "-x"])
    assert (invocation.command, invocation.pytest_args) == ("test", ["-k", "admin", "-x"])


def test_serve_migrates_quietly_seeds_then_serves_on_the_given_address(dev, monkeypatch):
    monkeypatch.delenv("DJANGO_SITE_URL", raising=False)
    calls = []
    monkeypatch.setattr(dev, "ensure_venv", lambda: None)
    monkeypatch.setattr(dev, "run", lambda *args, env=None: calls.append((args[2:], env)))
    dev.main(["serve", "0.0.0.0:8101"])
    assert [args for args, _ in calls] == [
        ("migrate", "--noinput", "--verbosity", "0"),
        ("seed_demo",),
        ("runserver", "0.0.0.0:8101"),
    ]
    for _, env in calls:
        assert env["DJANGO_DEBUG"] == "1"
        # Links in the demo's mails and the URL printed above the logins use the port served.
        assert env["DJANGO_SITE_URL"] == "http://127.0.0.1:8101"
