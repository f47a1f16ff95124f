"""CSV files staff open in a spreadsheet."""


def csv_cell(value: str) -> str:
    """Spreadsheets run cells that start like a formula; defuse them (OWASP CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
