from django.db import models


class CacheGeneration(models.Model):
    """A counter per cached namespace. Writers bump it after commit; readers put it in their
    cache keys, so every process (web, worker, another server) stops using old entries at
    once, whatever cache backend is configured."""

    name = models.CharField(primary_key=True, max_length=40)
    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "cache generation"

    def __str__(self) -> str:
        return f"{self.name}@{self.value}"
