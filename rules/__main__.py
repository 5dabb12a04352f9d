from rules.cli.main import main

raise SystemExit(main())
