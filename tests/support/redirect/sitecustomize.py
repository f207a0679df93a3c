"""Test-only: send source-shopify's HTTP for https://*.myshopify.com to a fake on 127.0.0.1.

Put this folder on PYTHONPATH and set SPOON_TEST_SHOPIFY_URL=http://127.0.0.1:PORT; the
connector's own code then runs unchanged, and only the transport's destination changes
(requests' HTTPAdapter.send is where every request of the connector goes out). Nothing
else is redirected: any other host fails as usual.
"""

import os

_TARGET = os.environ.get("SPOON_TEST_SHOPIFY_URL", "")
if _TARGET:
    from urllib.parse import urlsplit, urlunsplit

    import requests.adapters

    _send = requests.adapters.HTTPAdapter.send
    _to = urlsplit(_TARGET)
    if _to.hostname not in ("127.0.0.1", "localhost"):
        raise RuntimeError("SPOON_TEST_SHOPIFY_URL must point at 127.0.0.1")

    def _redirected_send(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        url = urlsplit(request.url)
        if url.hostname and url.hostname.endswith(".myshopify.com"):
            request.url = urlunsplit((_to.scheme, _to.netloc, url.path, url.query, url.fragment))
        return _send(self, request, *args, **kwargs)

    requests.adapters.HTTPAdapter.send = _redirected_send
