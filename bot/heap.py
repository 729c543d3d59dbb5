"""Garbage-collector settings for a long-running process that must answer users promptly.

Two costs of CPython's collector show in the bot's event loop (measured with
`benchmarks/ingest.py`, 1,000 feeds x 30 items, one poll cycle):

- A full collection walks every tracked object, and after start-up most of them are modules,
  classes and functions that live as long as the process: about 130,000 for the bot, 80 ms per
  full collection on a small server, during which nobody is answered. `gc.freeze()` moves them
  out of the collector's sight once start-up is done.
- The default thresholds (700, 10, 10) run a young collection every 700 new containers; a poll
  cycle makes a few hundred thousand that live until the cycle ends, so each is walked again
  and again: 555 young, 49 middle and 5 full collections, 0.9 s of CPU and a 134 ms pause.
  With (10,000, 10, 10): 80, 6 and 1, 0.3 s, but a middle collection then walks up to 100,000
  survivors: 52-65 ms. With (5,000, 5, 10) a middle one walks at most 25,000: 24-26 ms, for
  about the same CPU (two runs each, the first cycle with the SQLite store).
"""

from __future__ import annotations

import gc

THRESHOLDS = (5_000, 5, 10)


def freeze_startup_heap() -> None:
    """Call once when start-up is over (in the bot and in each parser process): collect what
    start-up left behind, freeze the rest, and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
