"""Throughput and start-up benchmarks: regie against plain ``eventsourcing``.

Run ``python -m tests.benchmarks --help``. Every figure is measured in the same run on
the same machine as its plain-eventsourcing baseline, so the ratio is what to read.
"""
