"""Ingestion: feed files → fetch (httpx) → parse (feedparser) → dedupe and story clustering.

`sources` reads the operator's `feeds/*.toml`, `fetch` is the only place httpx lives, `parse`
the only place feedparser lives, `shingles` turns a headline into what clustering compares,
`cluster` groups one story told by several outlets, `workers` runs parsing in processes, `schedule`
decides when each feed is polled next, and `poller` runs a cycle over them, keeping each
feed's health in a `FeedRepository`.
"""
