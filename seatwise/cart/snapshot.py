"""The checkout's one read: the cart's lines locked with their cart, and what the checkout
must know with them (ADR 0018).

This is the only hand-written SQL of the cart. The ORM query that carries the same values
(four subqueries, three joins) took longer to build and compile than the rest of the
checkout's reads together. So the statement is written once here and runs as a raw query
that loads ``CartLine`` rows; the ORM converts their fields. It is plain SQL for PostgreSQL
and SQLite. On PostgreSQL it ends in ``FOR UPDATE OF`` the line and the cart.
``seatwise/cart/tests/test_snapshot.py`` holds it to the ORM's answers, so a renamed
column fails there.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import connections

from seatwise.cart.models import Cart, CartLine
from seatwise.core.cache import CATALOG
from seatwise.tenancy.enums import AgreementType
from seatwise.tenancy.models import Organization

# The cart's fields the checkout reads or may change under the lock.
CART_FIELDS = ("id", "organization_id", "user_id", "coupon_code", "placed_key", "placed_order_id")

SNAPSHOT_SQL = """
SELECT l.id, l.cart_id, l.organization_id, l.offer_id, l.term, l.billing_plan, l.quantity,
       l.markup_percent, l.target_tenant, l.added_at,
       c.id AS cart__id, c.organization_id AS cart__organization_id, c.user_id AS cart__user_id,
       c.coupon_code AS cart__coupon_code, c.placed_key AS cart__placed_key,
       c.placed_order_id AS cart__placed_order_id,
       -- the buyer's own role first, else one in the parent or grandparent (a NULL in the
       -- IN list, for an organization without them, matches nothing)
       (SELECT m.role FROM tenancy_membership m
         WHERE m.user_id = %(user)s
           AND m.organization_id IN (
               %(organization)s, %(parent)s,
               (SELECT o.parent_id FROM tenancy_organization o WHERE o.id = %(parent)s))
         ORDER BY CASE WHEN m.organization_id = %(organization)s THEN 0 ELSE 1 END, m.id
         LIMIT 1) AS buyer_role,
       -- the current Microsoft Customer Agreement, accepted
       (SELECT a.id FROM tenancy_agreementacceptance a
         WHERE a.organization_id = %(organization)s AND a.agreement = %(mca)s
           AND a.version = %(mca_version)s
         ORDER BY a.id LIMIT 1) AS mca_id,
       -- the line's vendor terms, accepted in their current version
       EXISTS (SELECT 1 FROM catalog_offer f
                JOIN catalog_product p ON p.id = f.product_id
                JOIN catalog_vendor v ON v.id = p.vendor_id
                JOIN tenancy_agreementacceptance t
                  ON t.subject = v.slug AND t.version = v.terms_version
               WHERE f.id = l.offer_id AND t.organization_id = %(organization)s
                 AND t.agreement = %(terms)s) AS terms_accepted,
       -- the catalogue cache's generation (ADR 0008), read at the same moment
       (SELECT g.value FROM core_cachegeneration g WHERE g.name = %(catalogue)s)
         AS catalogue_generation
  FROM cart_cartline l JOIN cart_cart c ON c.id = l.cart_id
 WHERE l.cart_id = %(cart)s
 ORDER BY l.added_at, l.id
"""


@cache
def _sql(alias: str) -> str:
    """The statement for the database ``alias``: it locks the line and the cart where the
    database can lock rows (PostgreSQL); SQLite serialises writers instead."""
    features = connections[alias].features
    if features.has_select_for_update_of:
        return SNAPSHOT_SQL + " FOR UPDATE OF l, c"
    if features.has_select_for_update:
        return SNAPSHOT_SQL + " FOR UPDATE"
    return SNAPSHOT_SQL


def locked_lines(*, cart: Cart, user, organization: Organization) -> list[CartLine]:
    """The cart's lines in the order they were added, locked with the cart (on PostgreSQL;
    SQLite serialises writers), each carrying:

    * ``cart``: the cart as locked (its coupon and last checkout, read under the lock);
    * ``buyer_role``: the user's own role in ``organization``, else one of their roles in its
      parent or grandparent, else None (as ``require_role`` reads them; a role outside the
      wanted ones must go through ``require_role``, which decides and raises);
    * ``mca_id``: the organization's acceptance of the current Microsoft Customer Agreement;
    * ``terms_accepted``: whether the organization accepted the line's vendor terms in their
      current version;
    * ``catalogue_generation``: the catalogue cache's generation (0 before the first bump).

    An empty list when the cart has no lines (nothing is locked then)."""
    params = {
        "user": user.pk,
        "organization": organization.pk,
        "parent": organization.parent_id,
        "mca": AgreementType.MICROSOFT_CUSTOMER_AGREEMENT.value,
        "mca_version": settings.SEATWISE_MCA_VERSION,
        "terms": AgreementType.VENDOR_TERMS.value,
        "catalogue": CATALOG,
        "cart": cart.pk,
    }
    query = CartLine.objects.raw(_sql(CartLine.objects.db), params)
    lines = list(query)
    if not lines:
        return lines
    locked = Cart.from_db(
        query.db, CART_FIELDS, [getattr(lines[0], "cart__" + name) for name in CART_FIELDS]
    )
    for line in lines:
        line.cart = locked
        line.terms_accepted = bool(line.terms_accepted)
        line.catalogue_generation = line.catalogue_generation or 0
    return lines
