#!/usr/bin/env python3
"""CPU per thread group between two `jcmd <pid> Thread.print` dumps (their cpu=...ms fields).

    python3 scripts/load/thread_cpu.py before.txt after.txt seconds
"""
import re, sys, collections


def load(path):
    cpu = {}
    for m in re.finditer(r'^"(.+?)" .*?cpu=([\d.]+)ms', open(path).read(), re.M):
        cpu[m.group(1)] = float(m.group(2))
    return cpu


def group(name):
    name = re.sub(r"[-#]?\d+(-\d+)*$", "", name)
    return re.sub(r"-\d+$", "", name)


before, after, seconds = load(sys.argv[1]), load(sys.argv[2]), float(sys.argv[3])
groups = collections.Counter()
for name, ms in after.items():
    groups[group(name)] += ms - before.get(name, 0.0)
total = sum(groups.values())
parts = [f"{g}={v / 1000 / seconds:.2f}" for g, v in groups.most_common(8) if v > 0]
print(f"agent threads (cores): total={total / 1000 / seconds:.2f} " + " ".join(parts))
