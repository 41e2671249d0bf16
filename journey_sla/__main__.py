from journey_sla.cli import main

raise SystemExit(main())
