"""A tiny reverse proxy for the topology check, standing in for nginx (deploy/nginx.conf.example):
it REPLACES X-Forwarded-For with the connecting client's address, sets X-Forwarded-Proto and
passes an X-Request-ID, exactly as the nginx example does. Not for production use.

    python deploy/tiny_proxy.py --listen 127.0.0.1:8080 --upstream 127.0.0.1:8000
"""

from __future__ import annotations

import argparse
import http.client
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade"}


def make_handler(upstream_host: str, upstream_port: int) -> type[BaseHTTPRequestHandler]:
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in HOP_BY_HOP | {"x-forwarded-for", "x-forwarded-proto"}}
            headers["X-Forwarded-For"] = self.client_address[0]
            headers["X-Forwarded-Proto"] = "http"
            headers.setdefault("X-Request-ID", uuid.uuid4().hex)
            upstream = http.client.HTTPConnection(upstream_host, upstream_port, timeout=60)
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                payload = response.read()
            except OSError:
                self.send_error(502)
                return
            finally:
                upstream.close()
            self.send_response_only(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in HOP_BY_HOP | {"content-length"}:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Connection", "close")
            try:
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client went away

        do_GET = do_POST = do_HEAD = do_PUT = do_PATCH = do_DELETE = _forward

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Proxy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    listen_host, listen_port = args.listen.rsplit(":", 1)
    up_host, up_port = args.upstream.rsplit(":", 1)
    server = ThreadingHTTPServer((listen_host, int(listen_port)),
                                 make_handler(up_host, int(up_port)))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
