"""webdpro_observability"""
