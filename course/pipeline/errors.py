class InvalidInput(ValueError):
    """Input that breaks one or more rules; `errors` maps each field to what is wrong."""
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
