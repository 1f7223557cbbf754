"""The Microsoft Partner Center provider package (docs/adr/0016-partner-center-client.md):
``client.py`` speaks HTTP, ``mapping.py`` turns payloads into ``connectors.vendor`` values,
``connector.py`` implements the ports, ``errors.py`` holds the typed errors."""
