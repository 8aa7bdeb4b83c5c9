from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "participai.accounts"
    label = "accounts"
    verbose_name = "Accounts and organisations"
