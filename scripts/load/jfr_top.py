#!/usr/bin/env python3
"""Summarise a JFR recording: top self frames, top inclusive frames and threads for CPU samples
(jdk.ExecutionSample), and top allocation sites (jdk.ObjectAllocationSample, by weight).

    python3 scripts/load/jfr_top.py /tmp/agent.jfr [N]
"""
import collections, re, subprocess, sys

path = sys.argv[1]
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 25


def events(kind):
    out = subprocess.run(["jfr", "print", "--stack-depth", "30", "--events", kind, path],
                         capture_output=True, text=True, check=True).stdout
    for block in out.split(kind + " {")[1:]:
        thread = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', block)
        weight = re.search(r"weight = ([\d.]+) ([kMG]?B|bytes)", block)
        klass = re.search(r"objectClass = (\S+)", block)
        if "stackTrace = [" not in block:
            continue
        frames = [re.sub(r"\s+line:.*", "", f.strip()) for f in
                  block.split("stackTrace = [", 1)[-1].split("]\n", 1)[0].splitlines()
                  if f.strip() and not f.strip().startswith("...")]
        w = 1.0
        if weight:
            w = float(weight.group(1)) * {"bytes": 1, "B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[weight.group(2)]
        yield (thread.group(1) if thread else "?"), frames, w, (klass.group(1) if klass else "")


def thread_group(name):
    return re.sub(r"[-#]?\d+(-\d+)*$", "", name)


def report(kind, unit):
    selfc, incl, threads, classes = (collections.Counter() for _ in range(4))
    total = 0.0
    for thread, frames, w, klass in events(kind):
        if not frames:
            continue
        total += w
        selfc[frames[0]] += w
        for f in set(frames):
            incl[f] += w
        threads[thread_group(thread)] += w
        if klass:
            classes[klass] += w
    print(f"== {kind}: total {total:,.0f} {unit}")
    for title, counter in (("self (top frame)", selfc), ("inclusive", incl),
                           ("threads", threads), ("allocated classes", classes)):
        if not counter:
            continue
        print(f"-- {title}")
        for name, c in counter.most_common(top_n):
            print(f"{100 * c / total:6.1f}%  {name}")


report("jdk.ExecutionSample", "samples")
report("jdk.ObjectAllocationSample", "bytes (sampled weight)")
