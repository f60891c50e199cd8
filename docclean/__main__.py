"""``python -m docclean``."""

from docclean.cli import main

raise SystemExit(main())
