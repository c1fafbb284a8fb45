# Imported before any test module pulls in aws_cdk: the package quiets jsii's Node end-of-life banner.
import webdpro_infra  # noqa: F401
