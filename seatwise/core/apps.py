from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "seatwise.core"
    label = "core"
