#!/usr/bin/python3
"""Peer for the adlake ingest benchmark: what a user would write with python-can + canmatrix.

Reads a candump -L log with python-can's CanutilsLogReader, decodes every frame whose id the DBC
defines with canmatrix (default options, as a user would call it), and writes long-form CSV
(t, bus, message, signal, value): the equivalent of adlake's can_signals table.

Frame lookups are cached per (id, extended) so the peer is not penalised for canmatrix's linear
frame_by_id search; undefined ids are cached as None too.

Usage: python_can_decode.py <candump.log> <file.dbc> <out.csv>
Prints one JSON line on stdout: {"frames": N, "decoded_frames": M, "signals": K}.
"""
import csv
import json
import sys

import can
import canmatrix
import canmatrix.formats


def main(log_path: str, dbc_path: str, out_path: str) -> None:
    db = canmatrix.formats.loadp_flat(dbc_path)
    lookup = {}
    frames = decoded_frames = signals = 0
    with open(out_path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(("t", "bus", "message", "signal", "value"))
        for msg in can.CanutilsLogReader(log_path):
            frames += 1
            key = (msg.arbitration_id, msg.is_extended_id)
            frame = lookup.get(key, False)
            if frame is False:
                frame = db.frame_by_id(canmatrix.ArbitrationId(id=msg.arbitration_id, extended=msg.is_extended_id))
                lookup[key] = frame
            if frame is None:
                continue
            try:
                decoded = frame.decode(bytes(msg.data))
            except Exception:  # a short payload: canmatrix raises; adlake records a reject and goes on
                continue
            decoded_frames += 1
            for name, value in decoded.items():
                writer.writerow((msg.timestamp, msg.channel, frame.name, name, value.phys_value))
                signals += 1
    print(json.dumps({"frames": frames, "decoded_frames": decoded_frames, "signals": signals}))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: python_can_decode.py <candump.log> <file.dbc> <out.csv>")
    main(sys.argv[1], sys.argv[2], sys.argv[3])
