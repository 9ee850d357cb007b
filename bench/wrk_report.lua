-- wrk script for the FlowPulse benchmark (bench/load.py runs it): print the
-- results as one JSON line. No request() or response() hook is defined, so
-- wrk runs at full speed; it counts 4xx/5xx answers in errors.status.

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, ' ..
    '"max_ms": %.3f, "errors": %d, "non_2xx": %d, "bytes": %d}\n',
    summary.requests,
    summary.duration / 1e6,
    latency:percentile(50) / 1e3,
    latency:percentile(99) / 1e3,
    latency.max / 1e3,
    errors.connect + errors.read + errors.write + errors.timeout,
    errors.status,
    summary.bytes
  ))
end
