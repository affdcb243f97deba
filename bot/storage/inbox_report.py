"""`career-bot inbox`: updates that failed or still wait for a reply; retry failed ones."""

from __future__ import annotations

import json
import time
from typing import TextIO

from bot.config import Settings
from bot.storage.base import FAILED, HANDLED, NEW, InboxEntry, Retry
from bot.storage.sqlite import DB_FILE, SqliteStorage


def _kind(entry: InboxEntry) -> str:
    try:
        body = json.loads(entry.body or "{}")
    except ValueError:
        return "unreadable"
    kinds = [k for k in body if k != "update_id"] if isinstance(body, dict) else []
    return kinds[0] if kinds else "unknown"


def _when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))


def print_inbox(settings: Settings, out: TextIO, retry: list[str] | None = None,
                show: int | None = None) -> int:
    """List failed and waiting updates, show one, or queue failed ones again; an exit code."""
    path = settings.data_dir / DB_FILE
    if not path.is_file():
        out.write(f"No data yet: {path} does not exist.\n")
        return 0
    storage = SqliteStorage(settings.data_dir, settings.retention_days)
    try:
        if retry is not None:
            try:
                ids = None if retry == ["all"] else tuple(int(i) for i in retry)
            except ValueError:
                out.write("--retry takes update ids (numbers) or all\n")
                return 2
            queued = storage.apply([Retry(ids)])[0]
            out.write(f"{queued} failed update(s) queued again: a running bot handles them "
                      "within seconds, a stopped one at its next start.\n")
            return 0
        entries = storage.open_updates(statuses=(FAILED, NEW, HANDLED), limit=100_000)
    finally:
        storage.close()
    if show is not None:
        for entry in entries:
            if entry.update_id == show:
                out.write((entry.body or "(no body kept)") + "\n")
                return 0
        out.write(f"update {show} is not in the inbox (done updates keep no body)\n")
        return 1
    failed = [e for e in entries if e.status == FAILED]
    waiting = [e for e in entries if e.status != FAILED]
    out.write(f"{len(failed)} failed update(s), {len(waiting)} waiting to be handled or "
              "answered.\n")
    for title, group in (("Failed", failed), ("Waiting", waiting)):
        if not group:
            continue
        out.write(f"\n{title}:\n")
        for entry in group:
            note = entry.error or ("reply not sent yet" if entry.status == HANDLED else "new")
            out.write(f"  {entry.update_id:>10}  {_when(entry.received)}  {_kind(entry):<15} "
                      f"attempts {entry.attempts}  {note}\n")
    if failed:
        out.write("\ncareer-bot inbox --show ID prints one; --retry ID... (or --retry all) "
                  "queues failed ones again.\n")
    return 0
