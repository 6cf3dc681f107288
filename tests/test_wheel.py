"""Build the wheel, install it into a fresh virtual environment and run the installed command
against the shipped model, from a directory outside the source tree (the skops lesson: test the
console script, not only CliRunner)."""

import json
import subprocess
import sys
import venv

from .conftest import ROOT


def test_installed_wheel_checks_an_ad_with_the_shipped_model(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
                   check=True, capture_output=True)
    wheels = list(dist.glob("jobscan-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    # dependencies come from this interpreter's site-packages; jobscan itself only from the wheel
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "--no-deps", "--ignore-installed", "--quiet", str(wheels[0])], check=True,
                   capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run([str(py), "-c", "import jobscan; print(jobscan.__file__)"], cwd=elsewhere,
                           capture_output=True, text=True, check=True).stdout
    assert str(env_dir) in where
    ad = "LOKER KAMBOJA: CS online gaji USD 1.200, tiket & visa ditanggung, tanpa pengalaman, DM Telegram @hr_x"
    r = subprocess.run([str(env_dir / "bin" / "jobscan"), "check", "--format", "json", ad], cwd=elsewhere,
                       capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert r.returncode == 0, r.stderr
    result = json.loads(r.stdout)
    assert result["verdict"] == "flagged" and result["model"]["name"] == "jobscan-default"
    r = subprocess.run([str(env_dir / "bin" / "jobscan"), "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("jobscan ")
