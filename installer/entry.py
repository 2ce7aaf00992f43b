"""Entry point of the frozen app: the same start-up as the ``territory-planner`` console script."""

from territory_planner.__main__ import main

if __name__ == "__main__":
    main()
