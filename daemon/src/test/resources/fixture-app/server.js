// A small dev server for the daemon's tests, with Node built-ins only: HTML pages (plain, chunked and
// gzip- or deflate-compressed), a request echo, and a WebSocket echo whose handshake and framing are done by hand.
"use strict";
const http = require("http");
const zlib = require("zlib");
const crypto = require("crypto");

const port = Number(process.env.PORT || 3000);

const PAGE = "<!doctype html><html><head><title>Fixture</title></head><body>" +
  "<h1>Hello from the fixture</h1>" +
  "<script>var decoy = \"</body>\";</script>" +
  "</body></html>\n";

function html(res, body, headers) {
  res.writeHead(200, Object.assign({ "Content-Type": "text/html; charset=utf-8" }, headers || {}));
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/") {
    return html(res, PAGE, { "Content-Length": Buffer.byteLength(PAGE) });
  }
  if (url.pathname === "/chunked") {
    // No Content-Length: Node sends it chunked; </body> is cut across two chunks.
    res.writeHead(200, { "Content-Type": "text/html" });
    const cut = PAGE.lastIndexOf("</body>") + 3;
    res.write(PAGE.slice(0, cut));
    setTimeout(() => res.end(PAGE.slice(cut)), 20);
    return;
  }
  if (url.pathname === "/chunked-gzip") {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip" });
    const gzip = zlib.createGzip();
    gzip.pipe(res);
    const cut = PAGE.lastIndexOf("</body>") + 2;
    gzip.write(PAGE.slice(0, cut));
    gzip.flush(() => setTimeout(() => gzip.end(PAGE.slice(cut)), 20));
    return;
  }
  if (url.pathname === "/big") {
    // Far more than one read's worth, with its length: the proxy gets it in many pieces.
    const big = PAGE.replace("<h1>", "<p>filler paragraph of a large page</p>".repeat(8000) + "<h1>");
    return html(res, big, { "Content-Length": Buffer.byteLength(big) });
  }
  if (url.pathname === "/deflate") {
    const body = zlib.deflateSync(Buffer.from(PAGE));
    return html(res, body, { "Content-Encoding": "deflate", "Content-Length": body.length });
  }
  if (url.pathname === "/fragment") {
    return html(res, "<li>an htmx fragment, no body tag</li>");
  }
  if (url.pathname === "/text") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    return res.end("plain text mentioning </body> stays as it is\n");
  }
  if (url.pathname === "/echo") {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.stringify({
        method: req.method,
        path: req.url,
        body: Buffer.concat(chunks).toString("utf8"),
        headers: req.headers,
      });
      res.writeHead(200, { "Content-Type": "application/json", "X-Fixture": "echo" });
      res.end(body);
    });
    return;
  }
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found\n");
});

// WebSocket echo on /ws (RFC 6455): text and binary frames come back as they went, ping gets pong, close is echoed.
server.on("upgrade", (req, socket) => {
  if (req.url !== "/ws" || (req.headers.upgrade || "").toLowerCase() !== "websocket") {
    socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    return;
  }
  const accept = crypto.createHash("sha1")
    .update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
    .digest("base64");
  socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
    "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
  socket.write(frame(0x1, Buffer.from("welcome")));
  let pending = Buffer.alloc(0);
  socket.on("data", (data) => {
    pending = Buffer.concat([pending, data]);
    let parsed;
    while ((parsed = parseFrame(pending))) {
      pending = pending.subarray(parsed.length);
      if (parsed.opcode === 0x8) {
        socket.end(frame(0x8, parsed.payload));
        return;
      }
      if (parsed.opcode === 0x9) socket.write(frame(0xA, parsed.payload));
      // Data frames, continuations included, go back as they came (a client may fragment a long message).
      else if (parsed.opcode <= 0x2) socket.write(frame(parsed.opcode, parsed.payload, parsed.fin));
    }
  });
  socket.on("error", () => socket.destroy());
});

function frame(opcode, payload, fin = true) {
  const length = payload.length;
  const first = (fin ? 0x80 : 0) | opcode;
  let header;
  if (length < 126) {
    header = Buffer.from([first, length]);
  } else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first; header[1] = 126; header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first; header[1] = 127; header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

function parseFrame(buffer) {
  if (buffer.length < 2) return null;
  const fin = (buffer[0] & 0x80) !== 0;
  const opcode = buffer[0] & 0x0f;
  const masked = (buffer[1] & 0x80) !== 0;
  let length = buffer[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2); offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2)); offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (buffer.length < offset + length) return null;
  const payload = Buffer.from(buffer.subarray(offset, offset + length));
  if (masked) {
    for (let i = 0; i < payload.length; i++) payload[i] ^= buffer[maskOffset + (i % 4)];
  }
  return { fin, opcode, payload, length: offset + length };
}

server.listen(port, "127.0.0.1", () => console.log("fixture dev server listening on " + port));
