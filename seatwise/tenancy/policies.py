"""Policy data of vendors that shapes what Seatwise asks of an organization (a table, not
code paths; partner-center-contract.md §9.2)."""

# Microsoft creates a tenant for a customer in these countries only with the company's
# registration number and a phone number (Partner Center errors 600049 and 600051).
REGISTRATION_NUMBER_COUNTRIES = frozenset(
    {
        "AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA", "BR",
        "IN", "ZA", "PL", "AE", "SA", "TR", "TH", "VN", "MM", "IQ", "SS", "VE",
    }
)  # fmt: skip
