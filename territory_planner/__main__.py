"""Start-up: the one place that wires the command line to the desktop app."""

from __future__ import annotations


def _run_gui(plan: str | None) -> int:
    try:
        from territory_planner.gui.app import run
    except ImportError as exc:
        import sys

        print(
            f"Error: the desktop app cannot start ({exc}). Install the Qt libraries listed in the README.",
            file=sys.stderr,
        )
        return 2
    return run(plan)


def main() -> None:
    from territory_planner.cli import main as cli_main

    cli_main(run_gui=_run_gui)


if __name__ == "__main__":
    main()
