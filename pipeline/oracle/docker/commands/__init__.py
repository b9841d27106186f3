"""The `docker` sub-commands, one module per group; each exports `COMMANDS`, a table from the
command's words (`("image", "ls")`) to its `Command`."""
