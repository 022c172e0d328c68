"""What operators see of a running server: Prometheus metrics (`metrics`), the request's
log line (`requests`) and OpenTelemetry traces (`tracing`). README "Observability"."""
