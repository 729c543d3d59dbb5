"""`python -m bot …` is `alertbot …`."""

import sys

from bot.cli import main

sys.exit(main())
