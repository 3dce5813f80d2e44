#!/usr/bin/python3
"""Peer for the adlake bag ingest benchmark: what a user would write with Debian's python3-rosbag.

Reads every message of a ROS 1 bag with rosbag.Bag.read_messages (deserialised with the classes rosbag
generates from the bag's own message definitions) and writes one table per message type: Parquet with
pyarrow when it is installed, else CSV. Byte payloads (Image data) are not written, only their length, as
adlake keeps them in the bag as blob references.

Usage: python_rosbag_read.py <in.bag> <out_dir>
Prints one JSON line on stdout: {"messages": N, "format": "csv"|"parquet"}.
"""
import csv
import json
import os
import sys

import rosbag

try:
    import pyarrow
    import pyarrow.parquet
except ImportError:
    pyarrow = None


def stamp(t):
    return t.secs * 1_000_000_000 + t.nsecs


def row(msg_type, t, m):
    """The columns of one message: ns times, then the fields of the type (the adlake table's columns)."""
    if msg_type == "sensor_msgs/NavSatFix":
        return (t, stamp(m.header.stamp), m.status.status, m.latitude, m.longitude, m.altitude)
    if msg_type == "sensor_msgs/Imu":
        o, w, a = m.orientation, m.angular_velocity, m.linear_acceleration
        return (t, stamp(m.header.stamp), o.x, o.y, o.z, o.w, w.x, w.y, w.z, a.x, a.y, a.z)
    if msg_type == "geometry_msgs/TwistStamped":
        v, w = m.twist.linear, m.twist.angular
        return (t, stamp(m.header.stamp), v.x, v.y, v.z, w.x, w.y, w.z)
    if msg_type == "can_msgs/Frame":
        return (t, stamp(m.header.stamp), m.header.frame_id, m.id, m.is_extended, m.dlc, bytes(m.data).hex())
    if msg_type == "sensor_msgs/Image":
        return (t, stamp(m.header.stamp), m.width, m.height, m.encoding, m.step, len(m.data))
    return (t,)


def main(bag_path, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    tables = {}
    messages = 0
    with rosbag.Bag(bag_path) as bag:
        for _topic, msg, t in bag.read_messages():
            messages += 1
            tables.setdefault(msg._type, []).append(row(msg._type, t.to_nsec(), msg))
            if len(tables[msg._type]) >= 100_000:
                flush(out_dir, msg._type, tables)
    for msg_type in list(tables):
        flush(out_dir, msg_type, tables)
    for writer in written.values():
        writer.close()
    print(json.dumps({"messages": messages, "format": "parquet" if pyarrow else "csv"}))


# Open Parquet writers by table name (one file per type, appended to in batches).
written = {}


def flush(out_dir, msg_type, tables):
    """Appends the buffered rows of one type (bounded memory, as the bag can be large)."""
    batch = tables.pop(msg_type, [])
    if not batch:
        return
    name = msg_type.replace("/", "__")
    if pyarrow is not None:
        columns = list(zip(*batch))
        table = pyarrow.table({f"c{i}": list(c) for i, c in enumerate(columns)})
        writer = written.get(name)
        if writer is None:
            writer = written[name] = pyarrow.parquet.ParquetWriter(os.path.join(out_dir, name + ".parquet"), table.schema)
        writer.write_table(table)
        return
    with open(os.path.join(out_dir, name + ".csv"), "a", newline="") as out:
        csv.writer(out).writerows(batch)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
