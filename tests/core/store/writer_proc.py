"""A separate writer process for the store tests: appends samples one at a time, and
with --crash-after N dies abruptly (os._exit, no cleanup) after N of them."""

from __future__ import annotations

import argparse
import asyncio
import os

from store_factories import manifest, meta, pair

from medsafe_core.store import Store


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("run_id")
    parser.add_argument("--create", action="store_true")
    parser.add_argument("--owner", default=None)
    parser.add_argument("--prefix", default="w")
    parser.add_argument("--count", type=int, default=10)
    parser.add_argument("--crash-after", type=int, default=None)
    parser.add_argument("--migrate-only", action="store_true")
    args = parser.parse_args()
    store = await Store.connect(args.url)
    if args.migrate_only:
        print(await store.revision())
        await store.close()
        return
    if args.create:
        await store.create_run(meta(args.run_id), manifest(), owner=args.owner)
    for i in range(args.count):
        if args.crash_after is not None and i == args.crash_after:
            os._exit(137)
        await store.append_samples(args.run_id, [pair(f"{args.prefix}/{i:04d}")])
    await store.close()


if __name__ == "__main__":
    asyncio.run(main())
