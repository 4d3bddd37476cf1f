from .decode import decompress_blob, default_icon, jwt_claims, parse_data_uri

__all__ = ["jwt_claims", "parse_data_uri", "decompress_blob", "default_icon"]
__version__ = "2.1.0"
