from territory_planner.cli import main

main()
