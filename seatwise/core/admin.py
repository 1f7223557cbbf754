from django.contrib import admin

from seatwise.core.cache import CATALOG, generation_bump
from seatwise.core.models import CacheGeneration, IdempotencyRecord


class BumpsCacheAdmin(admin.ModelAdmin):
    """For models that feed a cached namespace: every admin write invalidates it."""

    cache_namespace = CATALOG

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        generation_bump(name=self.cache_namespace)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        generation_bump(name=self.cache_namespace)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        generation_bump(name=self.cache_namespace)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        generation_bump(name=self.cache_namespace)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that are evidence or written only by services: operators look, never
    add, change or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CacheGeneration)
class CacheGenerationAdmin(admin.ModelAdmin):
    list_display = ("name", "value")
    readonly_fields = ("name", "value")

    def has_add_permission(self, request):
        return False


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "user", "organization", "method", "path", "response_status")
    list_filter = ("method", "response_status")
    search_fields = ("key", "path")
    readonly_fields = [f.name for f in IdempotencyRecord._meta.fields]
