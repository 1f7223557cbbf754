"""Reading storefront HTML in tests."""

from __future__ import annotations

import html
import re


def text(response) -> str:
    """The response body with HTML entities decoded."""
    return html.unescape(response.content.decode())


def product_slugs(response) -> list[str]:
    """Slugs of the product cards, in page order."""
    return re.findall(r'data-product="([^"]+)"', response.content.decode())


def recent_slugs(response) -> list[str]:
    """Slugs in the "Recently viewed products" strip, in order."""
    return re.findall(r'data-recent="([^"]+)"', response.content.decode())


def prices(response) -> list[str]:
    """Every price line shown, in page order."""
    found = re.findall(r"<[^>]*data-price[^>]*>([^<]+)<", response.content.decode())
    return [html.unescape(value).strip() for value in found]


def error_message(response) -> str:
    match = re.search(r"data-error-message>([^<]*)<", response.content.decode())
    return html.unescape(match.group(1)).strip() if match else ""
