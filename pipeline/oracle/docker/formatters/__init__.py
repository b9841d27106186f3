"""The text the `docker` command prints, apart from the engine: docker/cli's
`cli/command/formatter` (tables through the tab writer, `--format` templates over the same
row contexts) and the progress and report lines of build, push, pull, rmi and prune."""
