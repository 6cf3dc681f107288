"""Offline guarantee: with every network socket call refused, check, scan and train all work, and
none of them even tries to connect or resolve a name."""

import json
import socket

import pytest
from typer.testing import CliRunner

from jobscan.cli import app

AD = "LOKER KAMBOJA! CS online gaji USD 1.200, tiket & visa ditanggung, DM Telegram @hr_lina_kh, WA 0812-3456-7890"


@pytest.fixture()
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args[:2])
        raise OSError("network access is blocked in this test")

    for name in ("connect", "connect_ex", "sendto", "sendmsg"):
        monkeypatch.setattr(socket.socket, name, refuse)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, refuse)
    yield attempts
    assert attempts == [], f"network use attempted: {attempts}"


def test_the_block_works(no_network):
    with pytest.raises(OSError):
        socket.create_connection(("example.org", 80), timeout=1)
    no_network.clear()


def test_check_scan_and_train_work_without_network(no_network, tiny_data, tmp_path):
    runner = CliRunner()
    bundle_dir = tmp_path / "model"
    r = runner.invoke(app, ["train", str(tiny_data["config"]), "-o", str(bundle_dir)])
    assert r.exit_code == 0, r.output
    assert (bundle_dir / "model.skops").is_file()

    r = runner.invoke(app, ["check", "--model", str(bundle_dir), "--format", "json", AD])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["contacts"]

    src = tmp_path / "posts.jsonl"
    src.write_text("".join(json.dumps({"id": k, "text": t}) + "\n" for k, t in enumerate([AD, "Dijual motor bekas", ""])),
                   encoding="utf-8")
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["scan", "--model", str(bundle_dir), str(src), "-o", str(out), "--report",
                            str(tmp_path / "report.html")])
    assert r.exit_code == 0, r.output
    assert out.read_text(encoding="utf-8").count("\n") == 4  # header + every row
