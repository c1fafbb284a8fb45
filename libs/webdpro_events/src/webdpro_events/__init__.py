"""webdpro_events"""
