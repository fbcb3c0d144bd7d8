"""lamcheck's benchmarks (`lamcheck bench`; method and numbers in docs/performance.md).

* `benchmarks.end_to_end`: the trained points of one simulation figure, lamcheck's pipeline against
  `benchmarks.protocol_baseline` (the papers' protocol, one configuration at a time), same configurations,
  same LAM steps;
* `benchmarks.trainer`: raw trainer throughput (configuration-steps per second, batched and one at a time)
  and achieved FLOP/s (`benchmarks.flops`) next to the machine's matmul rate (`benchmarks.matmul`);
* `benchmarks.suite`: wall time of ``lamcheck audit --scale ci`` (per check) and ``pytest -m theorem``.
"""
