"""Vendor connectors: the ports through which Seatwise talks to outside vendors (Microsoft
Partner Center first), their registry, and the embedded offline implementation. See
docs/adr/0011-vendor-connector-port.md."""
