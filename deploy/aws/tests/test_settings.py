"""Settings come from CDK context, then the environment, then defaults that need no AWS account."""

from __future__ import annotations

from aws_cdk import App
from webdpro_infra.settings import InfraSettings


def test_defaults_need_no_account(monkeypatch):
    for name in (
        "CDK_DEFAULT_ACCOUNT",
        "WEBDPRO_RESOURCE_PREFIX",
        "WEBDPRO_AWS_REGION",
        "WEBDPRO_CUSTOM_DOMAINS",
    ):
        monkeypatch.delenv(name, raising=False)
    s = InfraSettings.load(None)
    assert s.account is None and s.region == "ap-south-1" and s.resource_prefix == "webdpro-"
    assert s.stack_prefix == "Webdpro" and s.custom_domains == ()
    assert s.origins == ("https://app.webdpro.in", "https://admin.webdpro.in")


def test_context_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("WEBDPRO_RESOURCE_PREFIX", "webdpro-env-")
    monkeypatch.setenv("WEBDPRO_CUSTOM_DOMAINS", "a.in")
    app = App(context={"resource_prefix": "webdpro-staging-", "custom_domains": "Curam.in, shop.example.com"})
    s = InfraSettings.load(app)
    assert s.resource_prefix == "webdpro-staging-" and s.stack_prefix == "WebdproStaging"
    assert s.custom_domains == ("curam.in", "shop.example.com")
    assert InfraSettings.load(None).resource_prefix == "webdpro-env-"


def test_an_optional_container_secret_is_given_only_once_it_is_said_to_exist(monkeypatch):
    monkeypatch.delenv("WEBDPRO_OPTIONAL_SECRETS", raising=False)
    assert [s.env for s in InfraSettings.load(None).container_secrets("admin")] == []
    assert [s.env for s in InfraSettings.load(None).container_secrets("sitegen")] == [
        "WEBDPRO_REGISTRAR_TOKEN"
    ]
    app = App(context={"optional_secrets": "admin/reporting-dsn"})
    assert [s.env for s in InfraSettings.load(app).container_secrets("admin")] == ["WEBDPRO_REPORTING_DSN"]
    assert InfraSettings.load(app).container_secrets("orders") == ()
