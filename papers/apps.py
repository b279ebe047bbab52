from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Papers and topics"

    def ready(self):
        from papers import history  # noqa: F401 - connects the receivers that complete each record
