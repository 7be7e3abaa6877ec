"""A lean HTTP/1.1 load generator for the HTTP benchmark: keep-alive connections on asyncio streams, each sending one
JSON POST at a time and reading its answer (status line, headers, Content-Length body).

The load generator shares the machine's two cores with the services it measures; httpx spends about a millisecond
of CPU on each request, which at a few hundred requests per second takes a good part of a core from the services.
This one spends a few tens of microseconds. It speaks only what the bench needs: no TLS, no redirects, no chunked
answers (uvicorn sends Content-Length for a JSON answer)."""

import asyncio
import contextlib
import json
from collections.abc import Mapping


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes) -> None:
        self._reader, self._writer, self._head = reader, writer, head

    @classmethod
    async def open(cls, host: str, port: int, headers: Mapping[str, str]) -> "Connection":
        reader, writer = await asyncio.open_connection(host, port)
        fixed = "".join(f"{name}: {value}\r\n" for name, value in {"host": f"{host}:{port}", **headers}.items())
        return cls(reader, writer, fixed.encode())

    async def post(self, path: str, body: object) -> tuple[int, bytes]:
        payload = json.dumps(body).encode()
        request = (
            f"POST {path} HTTP/1.1\r\n".encode()
            + self._head
            + b"content-type: application/json\r\ncontent-length: "
            + str(len(payload)).encode()
            + b"\r\n\r\n"
            + payload
        )
        self._writer.write(request)
        status_line = await self._reader.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection")
        status = int(status_line.split(b" ", 2)[1])
        length = 0
        while (line := await self._reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        return status, await self._reader.readexactly(length)

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(ConnectionError):
            await self._writer.wait_closed()


class Pool:
    """Connections to one server, opened as needed and kept: a request takes an idle one or opens another."""

    def __init__(self, host: str, port: int, headers: Mapping[str, str]) -> None:
        self._host, self._port, self._headers = host, port, headers
        self._idle: list[Connection] = []
        self._all: list[Connection] = []

    async def post(self, path: str, body: object) -> tuple[int, bytes]:
        connection = self._idle.pop() if self._idle else await self._open()
        try:
            answer = await connection.post(path, body)
        except (ConnectionError, asyncio.IncompleteReadError):
            # The server closed a connection that was idle longer than its keep-alive (uvicorn: 5 s) before it read
            # this request: send it again on a new one.
            await connection.close()
            connection = await self._open()
            answer = await connection.post(path, body)
        self._idle.append(connection)
        return answer

    async def _open(self) -> Connection:
        connection = await Connection.open(self._host, self._port, self._headers)
        self._all.append(connection)
        return connection

    async def close(self) -> None:
        for connection in self._all:
            await connection.close()
