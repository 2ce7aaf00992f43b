"""Shared helpers of the exporter tests: hostile names and a headless Chromium driver."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Names that would run script if any of them reached the page unescaped. Each payload marks the page in a way
#: that its text alone cannot: a ``data-pwned="1"`` attribute on <body>, or a title that is exactly "pwned".
HOSTILE_TERRITORY = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
HOSTILE_REGION = '"><svg onload="document.title=\'pwned\'">'
HOSTILE_SELLER = "<script>document.title='pwned'</script> `${document.title='pwned'}`"
HOSTILE_SCENARIO = "<img src=y onerror=\"document.title='pwned'\"> what-if"
HOSTILE_PLAN = "Plan </script><script>document.title='pwned'</script> & <b>co</b>"


# --- headless Chromium ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Browser:
    """Debian's headless Chromium, with networking cut off (``unshare -n``) where the machine allows it."""

    executable: str
    offline: bool

    def _run(self, url: str, profile: Path, extra: list[str]) -> subprocess.CompletedProcess[str]:
        command = [
            self.executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--window-size=1400,900",
            "--virtual-time-budget=8000",
            "--enable-logging=stderr",
            "--v=0",
            *extra,
            url,
        ]
        if self.offline:
            command = ["unshare", "-n", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)

    def screenshot(self, page: Path, out: Path, tmp: Path) -> str:
        """Screenshot ``page`` to ``out``; returns Chromium's log (console messages included)."""
        result = self._run(page.resolve().as_uri(), tmp / "profile-shot", [f"--screenshot={out}"])
        if not out.exists():
            raise AssertionError(f"Chromium made no screenshot:\n{result.stderr[-3000:]}")
        return result.stderr

    def dom(self, page: Path, tmp: Path) -> str:
        """The page's DOM after its scripts ran."""
        result = self._run(page.resolve().as_uri(), tmp / "profile-dom", ["--dump-dom"])
        if not result.stdout.strip():
            raise AssertionError(f"Chromium dumped no DOM:\n{result.stderr[-3000:]}")
        return result.stdout
