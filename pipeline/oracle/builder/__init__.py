"""The Dockerfile builder of the oracle: BuildKit semantics over the simulated engine."""
