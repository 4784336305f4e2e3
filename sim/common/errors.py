"""The one exception type users see for bad input, so messages stay uniform."""


class ConfigError(ValueError):
    """A configuration value is unknown, mistyped or out of range.

    The message always names the offending key and what is allowed, so that a
    researcher can fix an override without reading the code.
    """

    def __init__(self, key: str, problem: str, allowed: object | None = None) -> None:
        message = f"{key}: {problem}"
        if allowed is not None:
            message += f" (allowed: {allowed})"
        super().__init__(message)
        self.key = key
