"""Following the library by e-mail: a selection of lessons or a pilot, with or without an
account. `services` subscribes, confirms and unsubscribes; `digests` sends what is new."""
