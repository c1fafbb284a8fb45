"""webdpro_tenancy"""
