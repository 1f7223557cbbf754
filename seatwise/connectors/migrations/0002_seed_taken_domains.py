"""Seed the embedded Microsoft connector with domain prefixes that are already taken: the
names Microsoft uses in its examples, our own, and those of the demo customers (their slugs
without dashes), which already have tenants."""

from django.db import migrations

TAKEN = (
    "contoso",
    "fabrikam",
    "northwind",
    "adventureworks",
    "seatwise",
    # Demo customers (seatwise/demo/data/organizations.py), as Latin letters and digits.
    "galiciantechnicaluniversity",
    "karpatylogistics",
    "hoverlacoffeeroasters",
    "dniproagrogroup",
    "openheartsfoundation",
    "polissiaenergy",
)


def seed(apps, schema_editor):
    from django.utils import timezone

    TenantDomain = apps.get_model("connectors", "TenantDomain")
    now = timezone.now()
    for prefix in TAKEN:
        TenantDomain.objects.get_or_create(
            prefix=prefix[:27], defaults={"source": "seeded", "created_at": now}
        )


def unseed(apps, schema_editor):
    TenantDomain = apps.get_model("connectors", "TenantDomain")
    TenantDomain.objects.filter(prefix__in=[p[:27] for p in TAKEN], source="seeded").delete()


class Migration(migrations.Migration):
    dependencies = [("connectors", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
