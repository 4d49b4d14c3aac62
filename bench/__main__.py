"""`python -m bench`: every benchmark, as JSON lines (see bench/run.py and docs/PERFORMANCE.md)."""

from bench.run import main

raise SystemExit(main())
