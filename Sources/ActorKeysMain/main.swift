import CLI

// `actorkeys`: every command; `serve` runs `actorkeys-server`, which holds the HTTP stack.
await Entry.main()
