from .client import S3Client

__all__ = ["S3Client"]
__version__ = "0.3.0"
