"""The Qt application a process without a window paints with: made by the caller (render/application.py, the CLI's
export), never by an exporter; each case runs in a fresh Python process (one Qt application per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a new process without a display or a chosen Qt platform; it prints one JSON line last."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_export_without_an_application_is_refused_and_makes_none() -> None:
    out = run_fresh(
        "import json\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from territory_planner.exporters.pack import ExportError, build_pack\n"
        "from territory_planner.exporters.png_map import render_png\n"
        "from territory_planner.services.demo import build_demo_plan\n"
        "pack = build_pack(build_demo_plan(), ['baseline'])\n"
        "try:\n"
        "    render_png(pack, (400, 300))\n"
        "    message = None\n"
        "except ExportError as exc:\n"
        "    message = str(exc)\n"
        "print(json.dumps({'message': message, 'app': QCoreApplication.instance() is not None}))\n"
    )
    assert out["app"] is False
    assert isinstance(out["message"], str) and "headless_application" in out["message"]


def test_the_headless_application_paints_offscreen_and_leaves_the_environment_alone() -> None:
    out = run_fresh(
        "import json, os\n"
        "from territory_planner.exporters.pack import build_pack\n"
        "from territory_planner.exporters.png_map import render_png\n"
        "from territory_planner.render.application import headless_application, running_gui_application\n"
        "from territory_planner.services.demo import build_demo_plan\n"
        "app = headless_application()\n"
        "image = render_png(build_pack(build_demo_plan(), ['baseline']), (400, 300))\n"
        "print(json.dumps({'kind': type(app).__name__, 'platform': app.platformName(),\n"
        "    'same': headless_application() is app and running_gui_application() is app,\n"
        "    'env': os.environ.get('QT_QPA_PLATFORM'), 'size': [image.width(), image.height()]}))\n"
    )
    assert out == {"kind": "QGuiApplication", "platform": "offscreen", "same": True, "env": None, "size": [400, 300]}


def test_the_command_line_makes_the_application_for_a_painted_export_only(tmp_path: Path) -> None:
    plan, png = tmp_path / "p.tplan", tmp_path / "map.png"
    out = run_fresh(
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "from territory_planner.cli import cli\n"
        f"plan, png, gpkg = {str(plan)!r}, {str(png)!r}, {str(tmp_path / 't.gpkg')!r}\n"
        "runner = CliRunner()\n"
        "codes = [runner.invoke(cli, ['demo', plan]).exit_code]\n"
        "codes.append(runner.invoke(cli, ['export', plan, '--gpkg', gpkg]).exit_code)\n"
        "after_gpkg = QCoreApplication.instance() is not None\n"
        "codes.append(runner.invoke(cli, ['export', plan, '--png', png]).exit_code)\n"
        "print(json.dumps({'codes': codes, 'after_gpkg': after_gpkg,\n"
        "    'after_png': type(QCoreApplication.instance()).__name__}))\n"
    )
    assert out == {"codes": [0, 0, 0], "after_gpkg": False, "after_png": "QGuiApplication"}
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
