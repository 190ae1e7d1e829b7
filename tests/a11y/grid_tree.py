"""Reads the records grid of a running sage200-desk through AT-SPI, as a screen reader does.

Usage: grid_tree.py PID COMPANY

Finds the application of process PID on the accessibility bus, presses the company button
named COMPANY (through its AT-SPI action, as Orca's users do), waits for the Browse table,
and prints what the table reads as (JSON): its name, its rows, the column headers and the
names of the cells of its first rows. Exits 1 with a message when something is missing.
Debian's python3 with gir1.2-atspi-2.0 runs it (scripts/test.sh installs it).
"""
import json
import sys
import time

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def application(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_process_id() == pid:
            return app
    return None


def nodes(node, found, depth=0):
    """Every node under `node`, depth first (a screen reader's flat review)."""
    if node is None or depth > 40:
        return
    # The tree changes while it is read (the app draws 60 frames a second): a node gone
    # since is skipped, and the caller looks again.
    try:
        count = node.get_child_count()
        found.append(node)
        for i in range(count):
            nodes(node.get_child_at_index(i), found, depth + 1)
    except gi.repository.GLib.GError:
        return


def first(app, role, name=None):
    found = []
    nodes(app, found)
    for node in found:
        try:
            if node.get_role_name() == role and (name is None or node.get_name() == name):
                return node
        except gi.repository.GLib.GError:
            continue
    return None


def wait_for(what, check, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value is not None:
            return value
        time.sleep(0.3)
    print(f"not found: {what}", file=sys.stderr)
    sys.exit(1)


def main():
    pid, company = int(sys.argv[1]), sys.argv[2]
    app = wait_for("the application on the accessibility bus", lambda: application(pid))
    button = wait_for(
        f"the company button {company!r}", lambda: first(app, "toggle button", company)
    )
    action = button.get_action_iface()
    if action is None or action.get_n_actions() == 0:
        print("the company button has no action", file=sys.stderr)
        sys.exit(1)
    action.do_action(0)
    table = wait_for("the records table", lambda: first(app, "table", "customers"), 40)

    def read_table():
        try:
            found = []
            nodes(table, found)
            rows = [n for n in found if n.get_role_name() == "table row"]
            headers = [n.get_name() for n in found if n.get_role_name() == "column header"]
            cells = [n.get_name() for n in found if n.get_role_name() == "table cell"]
        except gi.repository.GLib.GError:
            return None
        # The header row and a page of records, with names read in.
        if len(rows) > 10 and any(", " in c for c in cells):
            return rows, headers, cells
        return None

    rows, headers, cells = wait_for("rows in the table", read_table)
    print(
        json.dumps(
            {
                "table": table.get_name(),
                "rows": len(rows),
                "headers": headers,
                "cells": cells[:200],
            }
        )
    )


main()
