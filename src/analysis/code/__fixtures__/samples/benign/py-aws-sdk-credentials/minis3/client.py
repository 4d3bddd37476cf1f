"""A tiny S3 client: Signature Version 4 over urllib, GET and PUT of objects."""
import datetime
import hashlib
import hmac
import urllib.parse
import urllib.request

from .credentials import Credentials, resolve


def _sign(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


class S3Client:
    def __init__(self, region: str = "us-east-1", credentials: Credentials = None):
        self.region = region
        self.credentials = credentials or resolve()

    def _endpoint(self, bucket: str) -> str:
        return f"https://{bucket}.s3.{self.region}.amazonaws.com"

    def _headers(self, method: str, host: str, path: str, payload: bytes) -> dict:
        now = datetime.datetime.now(datetime.timezone.utc)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        date = now.strftime("%Y%m%d")
        payload_hash = hashlib.sha256(payload).hexdigest()
        headers = {"host": host, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
        if self.credentials.token:
            headers["x-amz-security-token"] = self.credentials.token
        signed = ";".join(sorted(headers))
        canonical = "\n".join(
            [method, urllib.parse.quote(path), "", *(f"{k}:{headers[k]}" for k in sorted(headers)), "", signed, payload_hash]
        )
        scope = f"{date}/{self.region}/s3/aws4_request"
        to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
        key = _sign(("AWS4" + self.credentials.secret_key).encode(), date)
        for part in (self.region, "s3", "aws4_request"):
            key = _sign(key, part)
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        headers["Authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={self.credentials.access_key}/{scope}, "
            f"SignedHeaders={signed}, Signature={signature}"
        )
        return headers

    def get_object(self, bucket: str, key: str) -> bytes:
        url = f"{self._endpoint(bucket)}/{key}"
        host = urllib.parse.urlparse(url).netloc
        req = urllib.request.Request(url, headers=self._headers("GET", host, f"/{key}", b""))
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.read()

    def put_object(self, bucket: str, key: str, body: bytes) -> None:
        url = f"{self._endpoint(bucket)}/{key}"
        host = urllib.parse.urlparse(url).netloc
        req = urllib.request.Request(url, data=body, method="PUT", headers=self._headers("PUT", host, f"/{key}", body))
        urllib.request.urlopen(req, timeout=60).close()
